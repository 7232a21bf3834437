package net.vdpa.device.core.net;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded queue of frames with preallocated slots, for handing frames from the workers of one
 * device to a queue pair worker of another (a cable). Many producers, one consumer; lock-free and
 * allocation-free: a producer claims a slot by CAS on the tail, copies the frame in and releases
 * the slot's sequence number; the consumer reads the slot in place and hands it back.
 *
 * <p>Each slot has a sequence number: {@code i} when free for the producer of ticket {@code i},
 * {@code i + 1} when filled for the consumer at head {@code i}.
 */
public final class FrameQueue {
  private final int mask;
  private final int slotSize;
  private final ByteBuffer[] slots;
  private final int[] lengths;
  /** Each slot's frame's receive hash ({@link Frame#hash()}). */
  private final long[] hashes;
  private final AtomicLongArray sequence;
  /** Next ticket for a producer. */
  private final AtomicLong tail = new AtomicLong();
  /** Next slot the consumer reads; consumer thread only. */
  private long head;
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
    this.mask = capacity - 1;
    this.slotSize = slotSize;
    this.slots = new ByteBuffer[capacity];
    this.lengths = new int[capacity];
    this.hashes = new long[capacity];
    this.sequence = new AtomicLongArray(capacity);
    ByteBuffer all = ByteBuffer.allocateDirect(capacity * slotSize);
    for (int i = 0; i < capacity; i++) {
      slots[i] = all.slice(i * slotSize, slotSize);
      sequence.set(i, i);
    }
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
    long t;
    while (true) {
      t = tail.get();
      final long s = sequence.get((int) t & mask);
      if (s == t) {
        if (tail.compareAndSet(t, t + 1)) {
          break;
        }
      } else if (s < t) {
        overflows.incrementAndGet();
        return false;
      }
    }
    final int i = (int) t & mask;
    copy(frame, tag, slots[i], len);
    lengths[i] = len;
    hashes[i] = frame.hash();
    // release: publishes the copied bytes and the length; pairs with the acquire in peek()
    sequence.setRelease(i, t + 1);
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
    final long h = head;
    final int i = (int) h & mask;
    // acquire: pairs with the producer's release in offer(); the slot's bytes are visible after it
    if (sequence.getAcquire(i) != h + 1) {
      return false;
    }
    into.clear();
    into.add(slots[i], 0, lengths[i]);
    into.setHash(hashes[i]);
    return true;
  }

  /** Frees the frame {@link #peek} exposed (consumer only). */
  public void remove() {
    final long h = head;
    // release: the consumer is done reading the slot; pairs with the producers' read in offer()
    sequence.setRelease((int) h & mask, h + mask + 1);
    head = h + 1;
  }

  /**
   * Whether a frame is waiting (consumer only).
   *
   * @return true if {@link #peek} would succeed
   */
  public boolean nonEmpty() {
    final long h = head;
    return sequence.getAcquire((int) h & mask) == h + 1;
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
    // full fence: the slots freed by remove() (release stores) must be visible before the mark is
    // read, or a producer that marks after its failed offer and looks again could miss both
    java.lang.invoke.VarHandle.fullFence();
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
