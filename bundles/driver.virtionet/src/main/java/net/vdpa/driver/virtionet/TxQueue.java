package net.vdpa.driver.virtionet;

import java.nio.ByteBuffer;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.NetInterface.SendResult;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DriverQueue;

/**
 * The transmit side of one queue pair: a fixed set of buffers in driver memory, one per
 * descriptor, each holding a zeroed virtio-net header and a copied frame. Senders may be many
 * threads; a lock serialises them (uncontended in the common one-sender-per-pair case). Used
 * buffers are reclaimed by the next sender, so transmit interrupts stay off.
 */
final class TxQueue {
  private final DriverRing ring;
  private final DriverQueue q;
  private final VdpaDevice device;
  private final ByteBuffer mem;
  private final int slotSize;
  private final long[] slotIova;
  /** Guarded by this: free slot indices (a stack). */
  private final int[] free;
  /** Guarded by this: slot used by the chain with this head id. */
  private final int[] slotOfHead;
  private int freeCount;
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

  TxQueue(DriverRing ring, DmaMemory memory, VdpaDevice device, int maxFrame) {
    this.ring = ring;
    this.q = ring.queue;
    this.device = device;
    this.mem = memory.buffer;
    this.maxFrame = maxFrame;
    int n = q.size();
    this.slotSize = align(VirtioNet.HDR_LEN + maxFrame, 64);
    this.slotIova = new long[n];
    this.free = new int[n];
    this.slotOfHead = new int[n];
    for (int i = 0; i < n; i++) {
      slotIova[i] = memory.allocate(slotSize, 64);
      free[i] = n - 1 - i;
      // header stays zero: no offloads
    }
    this.freeCount = n;
    q.disableInterrupts();
  }

  /** Bytes the buffers of a queue of {@code size} need. */
  static long footprint(int size, int maxFrame) {
    return (long) size * align(VirtioNet.HDR_LEN + maxFrame, 64) + 64;
  }

  static int align(int v, int a) {
    return (v + a - 1) & -a;
  }

  /** Copies a frame into a free buffer and makes it available to the device. */
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
    if (freeCount == 0) {
      return SendResult.BUSY;
    }
    final int slot = free[--freeCount];
    final long iova = slotIova[slot];
    final int off = (int) (iova - DmaMemory.BASE);
    mem.put(off + VirtioNet.HDR_LEN, frame, frame.position(), len);
    final int head = q.add(iova, VirtioNet.HDR_LEN + len, false);
    if (head == DriverQueue.FULL) {
      free[freeCount++] = slot;
      return SendResult.BUSY;
    }
    slotOfHead[head] = slot;
    packets++;
    bytes += len;
    q.publish();
    if (q.needsKick()) {
      device.kickVq(ring.index);
    }
    return SendResult.SENT;
  }

  /**
   * Copies frames into free buffers, makes them available with one publication and kicks at most
   * once. Invalid frames are counted and skipped; stops when no buffer is free.
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
    while (taken < count) {
      final ByteBuffer frame = frames[offset + taken];
      final int len = frame.remaining();
      if (len < VirtioNet.ETH_HLEN || len > maxFrame) {
        errors++;
        taken++;
        continue;
      }
      if (freeCount == 0) {
        break;
      }
      final int slot = free[freeCount - 1];
      final long iova = slotIova[slot];
      mem.put((int) (iova - DmaMemory.BASE) + VirtioNet.HDR_LEN, frame, frame.position(), len);
      final int head = q.add(iova, VirtioNet.HDR_LEN + len, false);
      if (head == DriverQueue.FULL) {
        break;
      }
      freeCount--;
      slotOfHead[head] = slot;
      packets++;
      bytes += len;
      taken++;
    }
    q.publish();
    if (q.needsKick()) {
      device.kickVq(ring.index);
    }
    return taken;
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
    for (long used; (used = q.pollUsed()) != DriverQueue.EMPTY; ) {
      free[freeCount++] = slotOfHead[DriverQueue.usedId(used)];
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
    int lost = free.length - freeCount;
    dropped += lost;
    freeCount = free.length;
    return lost;
  }

  /** Frames handed to the device and not yet returned. */
  synchronized int inFlight() {
    reclaim();
    return free.length - freeCount;
  }
}
