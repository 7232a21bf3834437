package net.vdpa.device.core.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded queue of frames with preallocated slots, for handing frames from the workers of one
 * device to a queue pair worker of another (a cable). Many producers, one consumer; lock-free and
 * allocation-free: a producer claims a ticket by CAS on the tail, copies the frame into the ticket's
 * slot and then publishes the slot's sequence number ({@code ticket + 1}); the consumer reads the
 * slot in place and frees it by moving its head on.
 *
 * <p>Built so that a frame costs each side as few cache lines taken from the other core as
 * possible: the consumer never writes a slot (it frees slots by publishing its head, a line of its
 * own), producers read that head only when their cached limit says the queue may be full, and each
 * slot is whole cache lines: one for its sequence number, length and hash, then the frame (a
 * 64-byte frame is one line). Tail, head and the slots never share a line.
 */
public final class FrameQueue {
  private static final int LINE = 64;
  private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  /** Producers' line: the next ticket, and the ticket below which slots are known to be free. */
  private static final int TAIL = 0;
  private static final int LIMIT = 8;
  /** The consumer's line: its head, published after each removal. */
  private static final int HEAD = LINE;
  /** Where the first slot starts. */
  private static final int SLOTS = 2 * LINE;
  /** Offsets in a slot's first line. */
  private static final int SEQ = 0;
  private static final int HASH = 8;
  private static final int LEN = 16;

  private final int capacity;
  private final int mask;
  private final int slotSize;
  /** Bytes from one slot's first line to the next's. */
  private final int stride;
  /** The control lines, then every slot: its metadata line, then its frame. */
  private final ByteBuffer area;
  /** Each slot's frame bytes, views of {@link #area}. */
  private final ByteBuffer[] slots;
  /** Frames refused because every slot was full; producers count. */
  private final AtomicLong overflows = new AtomicLong();
  /** Set by a producer that was refused and waits for room; cleared by the consumer that wakes it. */
  private volatile boolean blocked;

  /**
   * Allocates the slots.
   *
   * @param capacity slots, a power of two
   * @param slotSize the largest frame a slot holds
   */
  public FrameQueue(int capacity, int slotSize) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("frame queue capacity " + capacity + " is not a power of two");
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.slotSize = slotSize;
    this.stride = LINE + (slotSize + LINE - 1) / LINE * LINE;
    this.area = ByteBuffer.allocateDirect(SLOTS + capacity * stride + LINE).alignedSlice(LINE)
        .order(ByteOrder.nativeOrder());
    this.slots = new ByteBuffer[capacity];
    for (int i = 0; i < capacity; i++) {
      slots[i] = area.slice(SLOTS + i * stride + LINE, slotSize);
    }
    // every slot free for its first ticket; a slot's sequence is ticket + 1 once filled (never 0)
    LONGS.setRelease(area, LIMIT, (long) capacity);
  }

  /**
   * The largest frame a slot holds.
   *
   * @return bytes
   */
  public int slotSize() {
    return slotSize;
  }

  /**
   * Copies a frame into a free slot (any thread).
   *
   * @param frame the frame, read from its start; at most {@link #slotSize()} bytes
   * @return true if queued; false if every slot was full or the frame is too long
   */
  public boolean offer(final Frame frame) {
    return offer(frame, KEEP_TAG);
  }

  /** {@link #offer(Frame, int)}: the frame as it is. */
  public static final int KEEP_TAG = 0;
  /** {@link #offer(Frame, int)}: the frame's 802.1Q tag removed. */
  public static final int POP_TAG = -1;

  /**
   * Copies a frame into a free slot, pushing or popping an 802.1Q tag on the way (any thread).
   *
   * @param frame the frame, read from its start
   * @param tag {@link #KEEP_TAG}, {@link #POP_TAG}, or {@code 0x10000 | vid} to push a tag
   * @return true if queued; false if every slot was full or the frame is too long
   */
  public boolean offer(final Frame frame, final int tag) {
    final int len = taggedLength(frame, tag);
    if (len > slotSize) {
      return false;
    }
    final ByteBuffer a = area;
    long t;
    do {
      t = (long) LONGS.getVolatile(a, TAIL);
      if (t >= (long) LONGS.getAcquire(a, LIMIT)) {
        // acquire: the consumer read those slots before it published its head
        final long limit = (long) LONGS.getAcquire(a, HEAD) + capacity;
        if (t >= limit) {
          overflows.incrementAndGet();
          return false;
        }
        // a stale limit from a slower producer only sends the next one here again
        LONGS.setRelease(a, LIMIT, limit);
      }
    } while (!LONGS.compareAndSet(a, TAIL, t, t + 1));
    final int i = (int) t & mask;
    final int meta = SLOTS + i * stride;
    copy(frame, tag, slots[i], len);
    a.putInt(meta + LEN, len);
    a.putLong(meta + HASH, frame.hash());
    // release: publishes the copied bytes, length and hash; pairs with the acquire in peek()
    LONGS.setRelease(a, meta + SEQ, t + 1);
    return true;
  }

  /**
   * The length of a frame once its tag is pushed or popped.
   *
   * @param frame the frame
   * @param tag {@link #KEEP_TAG}, {@link #POP_TAG}, or {@code 0x10000 | vid}
   * @return bytes
   */
  public static int taggedLength(final Frame frame, final int tag) {
    return frame.length() + (tag > 0 ? 4 : tag < 0 ? -4 : 0);
  }
  /**
   * Copies a frame from its start into {@code dst} at index 0, pushing or popping an 802.1Q tag on
   * the way (no allocation); used by the queue's slots and by wires that hand frames on.
   *
   * @param frame the frame
   * @param tag {@link #KEEP_TAG}, {@link #POP_TAG}, or {@code 0x10000 | vid} to push a tag
   * @param dst the destination, absolute indices, at least {@code len} bytes
   * @param len {@link #taggedLength}
   */
  public static void copy(final Frame frame, final int tag, final ByteBuffer dst, final int len) {
    frame.rewind();
    if (tag == KEEP_TAG) {
      frame.read(dst, 0, len);
    } else if (tag > 0) {
      frame.read(dst, 0, 12);
      dst.put(12, (byte) 0x81).put(13, (byte) 0).put(14, (byte) ((tag >>> 8) & 0x0f)).put(15, (byte) tag);
      frame.read(dst, 16, len - 16);
    } else {
      frame.read(dst, 0, 12);
      // the tag is read over by the rest of the frame
      frame.read(dst, 12, 4);
      frame.read(dst, 12, len - 12);
    }
  }

  /**
   * Exposes the oldest frame as a segment of {@code into} without removing it (consumer only).
   *
   * @param into cleared and given the slot's bytes
   * @return true if there was a frame
   */
  public boolean peek(final Frame into) {
    final ByteBuffer a = area;
    final long h = a.getLong(HEAD);
    final int i = (int) h & mask;
    final int meta = SLOTS + i * stride;
    // acquire: pairs with the producer's release in offer(); the slot's bytes are visible after it
    if ((long) LONGS.getAcquire(a, meta + SEQ) != h + 1) {
      return false;
    }
    into.clear();
    into.add(slots[i], 0, a.getInt(meta + LEN));
    into.setHash(a.getLong(meta + HASH));
    return true;
  }

  /** Frees the frame {@link #peek} exposed (consumer only). */
  public void remove() {
    // release: the consumer is done reading the slot; pairs with the producers' acquire in offer()
    LONGS.setRelease(area, HEAD, area.getLong(HEAD) + 1);
  }

  /**
   * Whether a frame is waiting (consumer only).
   *
   * @return true if {@link #peek} would succeed
   */
  public boolean nonEmpty() {
    final long h = area.getLong(HEAD);
    return (long) LONGS.getAcquire(area, SLOTS + ((int) h & mask) * stride + SEQ) == h + 1;
  }

  /** A producer was refused and waits: the consumer wakes it after its next removal. */
  public void markBlocked() {
    blocked = true;
  }

  /**
   * After removing frames: whether a producer waits for room (consumer only). Clears the mark.
   *
   * @return true if the consumer should wake the producers
   */
  public boolean takeBlocked() {
    // full fence: the head published by remove() (a release store) must be visible before the mark
    // is read, or a producer that marks after its failed offer and looks again could miss both
    VarHandle.fullFence();
    if (!blocked) {
      return false;
    }
    blocked = false;
    return true;
  }

  /** Drops every queued frame (consumer only, or with the consumer stopped). */
  public void drain() {
    while (nonEmpty()) {
      remove();
    }
  }

  /**
   * Frames refused because the queue was full.
   *
   * @return the count
   */
  public long overflows() {
    return overflows.get();
  }
}
