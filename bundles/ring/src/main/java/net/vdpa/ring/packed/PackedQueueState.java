package net.vdpa.ring.packed;

/**
 * The state of a packed queue's device side that survives suspend/resume and migration: where the
 * device reads the next available descriptor and writes the next used one, each with its wrap
 * counter (what {@code VHOST_GET_VRING_BASE} packs as {@code idx | wrap << 15}).
 *
 * <p>Untrusted until validated: the constructor checks the ranges, {@link PackedDevice#restore}
 * checks the state against the queue size. Export it after every popped chain was pushed and
 * published.
 *
 * @param lastAvailIdx next descriptor index the device reads, 0 to 32767
 * @param availWrap the device's available wrap counter
 * @param lastUsedIdx next descriptor index the device writes used, 0 to 32767
 * @param usedWrap the device's used wrap counter
 */
public record PackedQueueState(int lastAvailIdx, boolean availWrap, int lastUsedIdx, boolean usedWrap) {
  /**
   * Validates the ranges.
   *
   * @throws IllegalArgumentException if an index is outside 0..32767
   */
  public PackedQueueState {
    if (lastAvailIdx < 0 || lastAvailIdx > 0x7fff) {
      throw new IllegalArgumentException("last avail idx " + lastAvailIdx + " is outside 0..32767");
    }
    if (lastUsedIdx < 0 || lastUsedIdx > 0x7fff) {
      throw new IllegalArgumentException("last used idx " + lastUsedIdx + " is outside 0..32767");
    }
  }

  /**
   * Checks the state against a queue size.
   *
   * @param size the queue size
   * @throws IllegalArgumentException if an index is not below the size, or more descriptors would
   *     be in flight than the ring holds
   */
  public void validate(int size) {
    if (lastAvailIdx >= size) {
      throw new IllegalArgumentException("last avail idx " + lastAvailIdx + " is not below queue size " + size);
    }
    if (lastUsedIdx >= size) {
      throw new IllegalArgumentException("last used idx " + lastUsedIdx + " is not below queue size " + size);
    }
    int inFlight = Math.floorMod(
        PackedLayout.seq(lastAvailIdx, availWrap, size) - PackedLayout.seq(lastUsedIdx, usedWrap, size),
        2 * size);
    if (inFlight > size) {
      throw new IllegalArgumentException(
          "avail " + lastAvailIdx + "/" + (availWrap ? 1 : 0) + " is " + inFlight + " descriptors ahead of used "
              + lastUsedIdx + "/" + (usedWrap ? 1 : 0) + ", more than queue size " + size);
    }
  }

  /**
   * The state as vhost encodes one index: {@code idx | wrap << 15}.
   *
   * @return the encoded available position
   */
  public int encodedAvail() {
    return lastAvailIdx | (availWrap ? 1 << 15 : 0);
  }

  /**
   * The used position encoded as {@code idx | wrap << 15}.
   *
   * @return the encoded used position
   */
  public int encodedUsed() {
    return lastUsedIdx | (usedWrap ? 1 << 15 : 0);
  }
}
