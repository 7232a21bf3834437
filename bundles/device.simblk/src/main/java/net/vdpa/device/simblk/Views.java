package net.vdpa.device.simblk;

import java.nio.ByteBuffer;

/**
 * One worker's own views of the driver's memory buffers: a {@link java.nio.channels.FileChannel}
 * reads into and writes from a buffer's position and limit, and the buffers a descriptor chain
 * hands out are shared by every queue's worker (only absolute indices are safe on them). A view is
 * made the first time this worker meets a buffer and reused afterwards, so a request allocates
 * nothing. A few slots suffice: a driver maps its memory as a handful of regions; the slot used
 * longest ago gives way to a new one. Confined to one worker's thread.
 */
final class Views {
  /** Regions a worker keeps views of at once. */
  static final int SLOTS = 8;
  private final ByteBuffer[] shared = new ByteBuffer[SLOTS];
  private final ByteBuffer[] own = new ByteBuffer[SLOTS];
  private int next;

  /**
   * This worker's view of {@code b} with its position at {@code at} and its limit at {@code at + n}.
   *
   * @param b a buffer of a descriptor chain
   * @param at the absolute index of the first byte
   * @param n how many bytes
   * @return a view of the same memory that only this worker moves
   */
  ByteBuffer of(ByteBuffer b, int at, int n) {
    ByteBuffer v = find(b);
    v.limit(at + n).position(at);
    return v;
  }

  private ByteBuffer find(ByteBuffer b) {
    for (int i = 0; i < SLOTS; i++) {
      if (shared[i] == b) {
        return own[i];
      }
    }
    return add(b);
  }

  /** The rare path: a buffer this worker has not met yet (a new mapping). */
  private ByteBuffer add(ByteBuffer b) {
    int i = next;
    next = (i + 1) % SLOTS;
    shared[i] = b;
    own[i] = b.duplicate().clear();
    return own[i];
  }
}
