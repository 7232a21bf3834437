package net.vdpa.ring.split;

import net.vdpa.ring.RingIndex;

/**
 * The state of a split queue's device side that survives suspend/resume and migration
 * ({@code get_vq_state}/{@code set_vq_state}, vhost's {@code VHOST_GET_VRING_BASE}): the next
 * available index the device will read and the next used index it will write.
 *
 * <p>A state from outside is untrusted: the constructor checks the ranges, and {@link
 * SplitDevice#restore} checks it against the queue size before it becomes a live queue. Export it
 * after every popped chain has been pushed and published.
 *
 * @param lastAvailIdx next available ring index the device reads, 0 to 65535
 * @param lastUsedIdx next used ring index the device writes, 0 to 65535
 */
public record SplitQueueState(int lastAvailIdx, int lastUsedIdx) {
  /**
   * Validates the ranges.
   *
   * @throws IllegalArgumentException if an index is outside 0..65535
   */
  public SplitQueueState {
    if ((lastAvailIdx & ~RingIndex.MASK) != 0) {
      throw new IllegalArgumentException("last avail idx " + lastAvailIdx + " is outside 0..65535");
    }
    if ((lastUsedIdx & ~RingIndex.MASK) != 0) {
      throw new IllegalArgumentException("last used idx " + lastUsedIdx + " is outside 0..65535");
    }
  }

  /**
   * Checks the state against a queue size: no more chains can be in flight than the queue holds.
   *
   * @param size the queue size
   * @throws IllegalArgumentException if {@code lastAvailIdx - lastUsedIdx} exceeds the size
   */
  public void validate(int size) {
    int inFlight = RingIndex.distance(lastAvailIdx, lastUsedIdx);
    if (inFlight > size) {
      throw new IllegalArgumentException(
          "last avail idx " + lastAvailIdx + " is " + inFlight + " ahead of last used idx "
              + lastUsedIdx + ", more than queue size " + size);
    }
  }
}
