package net.vdpa.api;

/**
 * The saved state of one virtqueue, as Linux's {@code struct vdpa_vq_state}: what a device needs to
 * resume a queue after suspend, or on another host after migration.
 *
 * <p>For a split ring only {@code lastAvailIdx} is meaningful (the wrap flags are {@code true} and
 * {@code lastUsedIdx} equals it). For a packed ring all four fields are. Indices are 16-bit; for a
 * packed ring they are below the queue size, which only the device can check.
 *
 * @param lastAvailIdx the next available-ring index the device will read (0 to 65535)
 * @param lastAvailWrap the packed ring's available wrap counter
 * @param lastUsedIdx the next used index the device will write (0 to 65535)
 * @param lastUsedWrap the packed ring's used wrap counter
 */
public record VqState(int lastAvailIdx, boolean lastAvailWrap, int lastUsedIdx, boolean lastUsedWrap) {

  /** Checks that both indices fit in 16 bits. */
  public VqState {
    if (lastAvailIdx < 0 || lastAvailIdx > 0xffff) {
      throw new IllegalArgumentException("last avail index " + lastAvailIdx + " is not a 16-bit index");
    }
    if (lastUsedIdx < 0 || lastUsedIdx > 0xffff) {
      throw new IllegalArgumentException("last used index " + lastUsedIdx + " is not a 16-bit index");
    }
  }

  /**
   * The state of a split ring.
   *
   * @param availIdx the next available-ring index the device will read
   * @return the state
   */
  public static VqState split(int availIdx) {
    return new VqState(availIdx, true, availIdx, true);
  }
}
