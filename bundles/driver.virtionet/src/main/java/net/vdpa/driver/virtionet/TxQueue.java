package net.vdpa.driver.virtionet;

import java.nio.ByteBuffer;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.NetInterface.SendResult;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DriverQueue;

/**
 * The transmit side of one queue pair: frames are copied, each behind a zeroed virtio-net header,
 * into the queue's {@link TxArea} in driver memory and made available one descriptor each. Senders
 * may be many threads; a lock serialises them (uncontended in the common one-sender-per-pair case).
 * Used buffers are reclaimed by the next sender, so transmit interrupts stay off.
 */
final class TxQueue {
  private final DriverRing ring;
  private final DriverQueue q;
  private final VdpaDevice device;
  private final ByteBuffer mem;
  private final long areaIova;
  private final int areaOffset;
  /** Guarded by this. */
  private final TxArea area;
  /** Guarded by this: the area ticket of the buffer behind each head id in flight. */
  private final int[] ticketOfHead;
  /** Heads the last reclaim burst took back. */
  private final int[] reclaimed;
  /** Guarded by this: frames handed to the device and not yet used. */
  private int inFlight;
  private boolean down;
  /** Guarded by this. */
  long packets;
  /** Guarded by this. */
  long bytes;
  /** Guarded by this. */
  long dropped;
  /** Guarded by this. */
  long errors;
  private final int maxFrame;
  /** The header's length: 12, or 20 with HASH_REPORT. */
  private final int hdrLen;

  TxQueue(DriverRing ring, DmaMemory memory, VdpaDevice device, int hdrLen, int maxFrame) {
    this.hdrLen = hdrLen;
    this.ring = ring;
    this.q = ring.queue;
    this.device = device;
    this.mem = memory.buffer;
    this.maxFrame = maxFrame;
    int n = q.size();
    // the interface checked that all its memory fits 2 GiB (footprint)
    int capacity = Math.toIntExact(TxArea.capacityFor(n, hdrLen + maxFrame));
    this.area = new TxArea(capacity, n);
    this.areaIova = memory.allocate(capacity, TxArea.ALIGN);
    this.areaOffset = memory.offset(areaIova);
    this.ticketOfHead = new int[n];
    this.reclaimed = new int[n];
    q.disableInterrupts();
  }

  /** Bytes the buffers of a queue of {@code size} need. */
  static long footprint(int size, int hdrLen, int maxFrame) {
    return TxArea.capacityFor(size, hdrLen + maxFrame) + TxArea.ALIGN;
  }

  /** Copies a frame into the area and makes it available to the device. */
  synchronized SendResult send(ByteBuffer frame) {
    if (down) {
      dropped++;
      return SendResult.DOWN;
    }
    final int len = frame.remaining();
    if (len < VirtioNet.ETH_HLEN || len > maxFrame) {
      errors++;
      return SendResult.INVALID;
    }
    reclaim();
    if (!add(frame, len)) {
      return SendResult.BUSY;
    }
    q.publish();
    if (q.needsKick()) {
      device.kickVq(ring.index);
    }
    return SendResult.SENT;
  }

  /**
   * Copies frames into the area, makes them available with one publication and kicks at most
   * once. Invalid frames are counted and skipped; stops when the ring or the area is full.
   *
   * @return frames taken (sent or skipped), or -1 if down (all counted as dropped)
   */
  synchronized int send(ByteBuffer[] frames, int offset, int count) {
    if (down) {
      dropped += count;
      return -1;
    }
    reclaim();
    int taken = 0;
    try {
      while (taken < count) {
        final ByteBuffer frame = frames[offset + taken];
        final int len = frame.remaining();
        if (len < VirtioNet.ETH_HLEN || len > maxFrame) {
          errors++;
        } else if (!add(frame, len)) {
          break;
        }
        taken++;
      }
    } finally {
      // what was added goes out even if a later element was null
      q.publish();
      if (q.needsKick()) {
        device.kickVq(ring.index);
      }
    }
    return taken;
  }

  /** Header and frame into a block of the area, one descriptor; false if either is full. Lock held. */
  private boolean add(final ByteBuffer frame, final int len) {
    if (q.freeDescriptors() == 0) {
      return false;
    }
    final int at = area.take(hdrLen + len);
    if (at < 0) {
      return false;
    }
    final int off = areaOffset + at;
    // the header stays zero (no offloads; the hash fields are the device's to fill), but the block
    // may hold an older frame's bytes; 20 bytes are zeroed either way (a 12-byte header's frame,
    // at least 14 bytes, is copied over the rest), so no branch on the header's length
    mem.putLong(off, 0L);
    mem.putLong(off + 8, 0L);
    mem.putInt(off + 16, 0);
    mem.put(off + hdrLen, frame, frame.position(), len);
    final int head = q.add(areaIova + at, hdrLen + len, false);
    if (head == DriverQueue.FULL) {
      // the ring has stopped (an error): the block is never used
      area.giveBack(area.lastTicket());
      return false;
    }
    ticketOfHead[head] = area.lastTicket();
    inFlight++;
    packets++;
    bytes += len;
    return true;
  }

  /** Counts a frame not sent because the link is down. */
  synchronized SendResult refuse() {
    dropped++;
    return SendResult.DOWN;
  }

  /** Counts frames not sent because the link is down. */
  synchronized int refuse(int count) {
    dropped += count;
    return -1;
  }

  /** Takes back every buffer the device has used. Caller holds the lock. */
  private void reclaim() {
    final int[] heads = reclaimed;
    for (int k; (k = q.pollUsed(heads, null, heads.length)) > 0; ) {
      for (int i = 0; i < k; i++) {
        area.giveBack(ticketOfHead[heads[i]]);
      }
      inFlight -= k;
    }
  }

  /** Stops sending: later sends return DOWN. */
  synchronized void shutDown() {
    down = true;
  }

  /**
   * After the device has stopped: the frames it never took are lost; count them as dropped.
   *
   * @return how many
   */
  synchronized int discardInFlight() {
    reclaim();
    int lost = inFlight;
    dropped += lost;
    inFlight = 0;
    area.clear();
    return lost;
  }

  /** Frames handed to the device and not yet returned. */
  synchronized int inFlight() {
    reclaim();
    return inFlight;
  }
}
