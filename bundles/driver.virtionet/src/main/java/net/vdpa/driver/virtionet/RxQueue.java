package net.vdpa.driver.virtionet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.FrameReceiver;
import net.vdpa.api.net.HashReceiver;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DriverQueue;

/**
 * The receive side of one queue pair: every descriptor holds a posted buffer; used buffers are
 * turned into frames (joined when the device merged several buffers for one frame), delivered, and
 * posted again at once. Delivery is pushed to the receiver from the device's used-buffer callback,
 * pulled a frame at a time by {@link #receive}, or polled in bursts on the caller's thread by
 * {@link #poll}; a lock keeps them apart.
 *
 * <p>With HASH_REPORT the header is 20 bytes and carries the device's hash: a {@link HashReceiver}
 * gets it with each frame, and the frames are counted per {@link HashReport} kind.
 */
final class RxQueue {
  /** Used elements taken back at most per read of the used ring. */
  private static final int USED_BURST = 32;
  private final int pair;
  private final DriverRing ring;
  private final DriverQueue q;
  private final VdpaDevice device;
  private final ByteBuffer mem;
  private final ByteBuffer view;
  private final boolean mergeable;
  /** The header's length: 12, or 20 with HASH_REPORT. */
  private final int hdrLen;
  private final boolean hashed;
  private final int bufSize;
  private final long[] slotIova;
  private final int[] slotOfHead;
  /** A frame that spans buffers is joined here; its read-only twin is what the receiver sees. */
  private final ByteBuffer scratch;
  private final ByteBuffer scratchView;
  /**
   * Guarded by this: slots taken from the ring and not posted again yet, in the order the device
   * used them. Posted in that order, each slot goes back under the id it had: the split queue's
   * free list hands ids out in the order they came back, so descriptor {@code i} keeps pointing
   * at the same buffer lap after lap and the queue stores neither it nor its available entry again.
   */
  private final int[] toPost;
  private int toPostCount;
  /**
   * Guarded by this: used elements taken in one burst ({@link DriverQueue#pollUsed(int[], int[],
   * int)}: one read of the used index for up to {@link #USED_BURST}), not yet turned into frames.
   */
  private final int[] usedIds;
  private final int[] usedLens;
  private int usedAt;
  private int usedCount;
  /** Guarded by this: buffers still to join into the frame in scratch (mergeable). */
  private int mergeRemaining;
  /** Stands for "nobody": frames given to it are counted as dropped. */
  private static final FrameReceiver DISCARD = (pair, frame) -> { };
  private volatile FrameReceiver receiver;
  /** The receiver if it takes hash reports and the device sends them, else null; set with {@link #receiver}. */
  private volatile HashReceiver hashReceiver;
  /** Guarded by this: the hash value and report code of the frame being delivered (or joined). */
  private int hashValue;
  private int hashCode;
  /** Guarded by this: frames delivered per {@link HashReport} code (only with HASH_REPORT). */
  final long[] byHashReport = new long[HashReport.values().length];
  private boolean down;
  /** Guarded by this. */
  long packets;
  /** Guarded by this. */
  long bytes;
  /** Guarded by this. */
  long dropped;
  /** Frames a receiver threw on (counted as dropped too); guarded by this. */
  long receiverErrors;
  private final String iface;
  private final Consumer<String> warn;

  RxQueue(String iface, int pair, DriverRing ring, DmaMemory memory, VdpaDevice device, boolean mergeable,
      int hdrLen, int maxFrame, Consumer<String> warn) {
    this.hdrLen = hdrLen;
    this.hashed = hdrLen == VirtioNet.HDR_LEN_HASH;
    this.iface = iface;
    this.warn = warn;
    this.pair = pair;
    this.ring = ring;
    this.q = ring.queue;
    this.device = device;
    this.mem = memory.buffer;
    this.view = memory.buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    this.mergeable = mergeable;
    this.bufSize = bufferSize(mergeable, hdrLen, maxFrame);
    int n = q.size();
    this.slotIova = new long[n];
    this.slotOfHead = new int[n];
    this.toPost = new int[n];
    this.usedIds = new int[USED_BURST];
    this.usedLens = new int[USED_BURST];
    for (int i = 0; i < n; i++) {
      slotIova[i] = memory.allocate(bufSize, 64);
      toPost[toPostCount++] = i;
    }
    this.scratch = ByteBuffer.allocateDirect(maxFrame);
    this.scratchView = scratch.asReadOnlyBuffer();
  }

  static int bufferSize(boolean mergeable, int hdrLen, int maxFrame) {
    return mergeable ? 2048 : TxArea.align(hdrLen + maxFrame);
  }

  static long footprint(int size, boolean mergeable, int hdrLen, int maxFrame) {
    return (long) size * bufferSize(mergeable, hdrLen, maxFrame) + 64;
  }

  /** Posts every free buffer (at start). */
  synchronized void fill() {
    repost();
  }

  void setReceiver(FrameReceiver r) {
    hashReceiver = hashed && r instanceof HashReceiver h ? h : null;
    receiver = r;
    if (r != null) {
      onUsed();
    }
  }

  /** The device reported used buffers: deliver them if a receiver is set. Device thread. */
  void onUsed() {
    FrameReceiver r = receiver;
    if (r == null) {
      return;
    }
    final HashReceiver h = hashReceiver;
    synchronized (this) {
      do {
        while (!down && next(r, h, null) >= 0) {
          // delivered one frame
        }
        repost();
      } while (!down && q.enableInterrupts());
    }
  }

  /** Polling: copies the next frame into {@code dst}; -1 if none, -2 if it did not fit (dropped). */
  synchronized int receive(ByteBuffer dst) {
    if (down) {
      return -1;
    }
    int n = next(null, null, dst);
    repost();
    return n;
  }

  /**
   * Polling in bursts: takes up to {@code budget} frames (dropped ones included) and hands them to
   * {@code r} on the caller's thread, then posts their buffers again with one publication.
   *
   * @return how many frames {@code r} took
   */
  synchronized int poll(FrameReceiver r, int budget) {
    final HashReceiver h = hashed && r instanceof HashReceiver hr ? hr : null;
    int taken = 0;
    for (int seen = 0; seen < budget && !down; seen++) {
      final long before = packets;
      if (next(r, h, null) == -1) {
        break;
      }
      if (packets != before) {
        taken++;
      }
    }
    repost();
    return taken;
  }

  /**
   * Takes the next complete frame from the ring and gives it to {@code r} (to {@code h} with its
   * hash, when {@code h} is {@code r} as a hash receiver) or copies it to {@code dst}. Returns its
   * length, -1 if no complete frame is there, -2 if dropped. Caller holds the lock.
   */
  private int next(FrameReceiver r, HashReceiver h, ByteBuffer dst) {
    for (;;) {
      if (usedAt == usedCount) {
        usedAt = 0;
        usedCount = q.pollUsed(usedIds, usedLens, USED_BURST);
        if (usedCount == 0) {
          return -1;
        }
      }
      final int slot = slotOfHead[usedIds[usedAt]];
      final int len = usedLens[usedAt];
      usedAt++;
      toPost[toPostCount++] = slot;
      int off = (int) (slotIova[slot] - DmaMemory.BASE);
      if (mergeRemaining > 0) {
        if (!append(off, len)) {
          continue;
        }
        if (--mergeRemaining > 0) {
          continue;
        }
        scratch.flip();
        scratchView.limit(scratch.limit()).position(0);
        return deliver(r, h, dst, scratchView);
      }
      if (len < hdrLen + VirtioNet.ETH_HLEN || len > bufSize) {
        dropped++;
        return -2;
      }
      int buffers = mergeable ? Short.toUnsignedInt(mem.getShort(off + VirtioNet.HDR_NUM_BUFFERS)) : 1;
      if (hashed) {
        // the first buffer's header holds the frame's hash (mem is little-endian)
        hashValue = mem.getInt(off + VirtioNet.HDR_HASH_VALUE);
        hashCode = HashReport.of(Short.toUnsignedInt(mem.getShort(off + VirtioNet.HDR_HASH_REPORT))).code();
      }
      if (buffers > 1) {
        scratch.clear();
        if (!append(off + hdrLen, len - hdrLen)) {
          continue;
        }
        mergeRemaining = buffers - 1;
        continue;
      }
      int start = off + hdrLen;
      view.limit(start + len - hdrLen).position(start);
      return deliver(r, h, dst, view);
    }
  }

  /** Adds a buffer's bytes to the frame being joined; false (and the frame dropped) if too long. */
  private boolean append(int off, int len) {
    if (len > scratch.remaining()) {
      dropped++;
      mergeRemaining = 0;
      scratch.clear();
      return false;
    }
    scratch.put(scratch.position(), mem, off, len);
    scratch.position(scratch.position() + len);
    return true;
  }

  private int deliver(FrameReceiver r, HashReceiver h, ByteBuffer dst, ByteBuffer frame) {
    int len = frame.remaining();
    if (r == DISCARD) {
      dropped++;
      return len;
    }
    if (r != null) {
      try {
        if (h != null && h == r) {
          h.receive(pair, frame, hashValue, HashReport.of(hashCode));
        } else {
          r.receive(pair, frame);
        }
        countHash();
        packets++;
        bytes += len;
      } catch (RuntimeException e) {
        // a receiver's bug must not stop the device thread: the frame counts as dropped, and the
        // first failure is logged (a broken receiver would otherwise log once per frame)
        dropped++;
        if (receiverErrors++ == 0) {
          warn.accept("interface " + iface + ": the frame receiver failed on queue pair " + pair + ": " + e
              + "; its frames are counted as rx_dropped, further failures are not logged");
        }
      }
      return len;
    }
    if (len > dst.remaining()) {
      dropped++;
      return -2;
    }
    dst.put(dst.position(), frame, frame.position(), len);
    dst.position(dst.position() + len);
    countHash();
    packets++;
    bytes += len;
    return len;
  }

  /** Counts a delivered frame by its hash kind (with HASH_REPORT). Caller holds the lock. */
  private void countHash() {
    if (hashed) {
      byHashReport[hashCode]++;
    }
  }

  /** Posts the buffers taken since the last call, with one publication. Caller holds the lock. */
  private void repost() {
    if (toPostCount == 0 || down) {
      return;
    }
    final int n = toPostCount;
    int posted = 0;
    while (posted < n) {
      final int slot = toPost[posted];
      final int head = q.add(slotIova[slot], bufSize, true);
      if (head == DriverQueue.FULL) {
        break;
      }
      if (slotOfHead[head] != slot) {
        slotOfHead[head] = slot;
      }
      posted++;
    }
    if (posted < n) {
      System.arraycopy(toPost, posted, toPost, 0, n - posted);
    }
    toPostCount = n - posted;
    if (posted > 0) {
      q.publish();
      if (q.needsKick()) {
        device.kickVq(ring.index);
      }
    }
  }

  synchronized void shutDown() {
    down = true;
  }

  /**
   * After the device has stopped: counts the frames it delivered that nobody took as dropped.
   *
   * @return how many
   */
  synchronized long discardDelivered() {
    long before = dropped;
    while (next(DISCARD, null, null) != -1) {
      // each frame (or oversized one) is counted by next()
    }
    return dropped - before;
  }
}
