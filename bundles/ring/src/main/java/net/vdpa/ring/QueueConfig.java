package net.vdpa.ring;

/**
 * Where a virtqueue lives and how it behaves: what the driver tells the device through
 * {@code set_vq_num}, {@code set_vq_address} and the negotiated features.
 *
 * <p>The three addresses are IOVAs (virtio 1.2 §2.6: descriptor area, driver area, device area):
 * for a split ring the descriptor table, the available ring and the used ring; for a packed ring the
 * descriptor ring, the driver event suppression structure and the device event suppression
 * structure. The constructor checks what does not depend on the layout; each queue type checks its
 * own alignment and size rules.
 *
 * @param size the queue size, 1 to 32768 (a split ring also needs a power of two)
 * @param descAddr IOVA of the descriptor area
 * @param driverAddr IOVA of the driver area
 * @param deviceAddr IOVA of the device area
 * @param features the negotiated feature bits (see {@link VirtioRingFeatures})
 */
public record QueueConfig(int size, long descAddr, long driverAddr, long deviceAddr, long features) {
  /** The largest queue size virtio allows. */
  public static final int MAX_SIZE = 32768;

  /**
   * Validates the size.
   *
   * @throws IllegalArgumentException if the size is outside 1 to 32768
   */
  public QueueConfig {
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("queue size " + size + " is outside 1.." + MAX_SIZE);
    }
  }

  /**
   * Whether a feature bit was negotiated.
   *
   * @param bit the bit number, for example {@link VirtioRingFeatures#EVENT_IDX}
   * @return true if set in {@link #features()}
   */
  public boolean has(int bit) {
    return VirtioRingFeatures.has(features, bit);
  }
}
