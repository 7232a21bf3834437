package net.vdpa.driver.virtioblk;

import java.nio.ByteBuffer;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VqCallback;
import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockDevice.Completion;
import net.vdpa.api.blk.BlockDevice.Submit;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;

/**
 * One request queue: a ring and a fixed set of request slots in the driver's memory (header, data
 * buffer of {@link #maxTransfer} bytes, status byte), used one per request in flight. Submissions
 * come from any thread; completions are reaped on the device's thread when it signals used
 * buffers. The monitor guards the ring and the slots; completions are called after it is released,
 * so a completion may submit again and a caller holding its own lock while submitting cannot
 * deadlock with the device's thread. Allocates nothing per request.
 */
final class BlkQueue implements VqCallback {
  /** A request's header and status byte: one cache line. */
  private static final int META = 64;
  private final int index;
  private final VdpaDevice device;
  private final DriverRing ring;
  private final DriverQueue q;
  private final DriverMemory mem;
  private final int maxTransfer;
  private final long[] hdr;
  private final long[] data;
  private final long[] status;
  private final int[] free;
  private int freeCount;
  /** Slot of each ring head in flight, else -1. */
  private final int[] slotOfHead;
  private final long[] tag;
  private final Completion[] done;
  private final ByteBuffer[] readInto;
  private final int[] readLen;
  private final int[] type;
  private final long[] addrs = new long[3];
  private final int[] segLens = new int[3];
  private final long[] addrs2 = new long[2];
  private final int[] segLens2 = new int[2];
  /** Guarded by this queue's monitor. */
  private final BlkCounters counters = new BlkCounters();
  /** Completions reaped and not yet called; the device's callback thread only. */
  private final long[] reapedTag;
  private final Completion[] reapedDone;
  private final BlockStatus[] reapedStatus;
  private boolean down;
  /** Plugs held on this queue by callers ({@link #plug}); guarded by this queue's monitor. */
  private int plugs;
  /** Whether the device's thread is running completions (they plug the queue too); guarded by this. */
  private boolean completing;

  BlkQueue(int index, VdpaDevice device, DriverMemory mem, int size, long features, int maxTransfer) {
    this.index = index;
    this.device = device;
    this.mem = mem;
    this.maxTransfer = maxTransfer;
    this.ring = DriverRing.create(mem, size, false, features);
    this.q = ring.queue();
    int slots = Math.max(1, size / 3);
    this.hdr = new long[slots];
    this.data = new long[slots];
    this.status = new long[slots];
    this.free = new int[slots];
    this.tag = new long[slots];
    this.done = new Completion[slots];
    this.readInto = new ByteBuffer[slots];
    this.readLen = new int[slots];
    this.type = new int[slots];
    this.reapedTag = new long[slots];
    this.reapedDone = new Completion[slots];
    this.reapedStatus = new BlockStatus[slots];
    for (int s = 0; s < slots; s++) {
      // header and status byte share one cache line: the device reads the one and writes the
      // other, and the driver writes and reads them, so each request moves one line between the
      // two threads instead of two
      hdr[s] = mem.allocate(META, META);
      status[s] = hdr[s] + VirtioBlk.HDR_LEN;
      data[s] = mem.allocate(maxTransfer, 4096);
      free[freeCount++] = s;
    }
    this.slotOfHead = new int[size];
    java.util.Arrays.fill(slotOfHead, -1);
  }

  /** Bytes a queue of {@code size} takes in driver memory. */
  static long footprint(int size, int maxTransfer) {
    long slots = Math.max(1, size / 3);
    return DriverRing.footprint(size, false) + slots * (2L * META + maxTransfer + 4096);
  }

  /** Tells the device where the ring is and asks for used-buffer notifications (before DRIVER_OK). */
  void setUp() {
    device.setVqNum(index, ring.config().size());
    device.setVqAddress(index, ring.config().descAddr(), ring.config().driverAddr(), ring.config().deviceAddr());
    device.setVqCallback(index, this);
    device.setVqReady(index, true);
    q.enableInterrupts();
  }

  synchronized Submit submit(int requestType, long sector, ByteBuffer buf, long userTag, Completion c) {
    if (down) {
      return Submit.DOWN;
    }
    if (freeCount == 0) {
      return Submit.BUSY;
    }
    int len = buf == null ? 0 : buf.remaining();
    int s = free[--freeCount];
    if (requestType == VirtioBlk.T_OUT) {
      mem.buffer().put(mem.offset(data[s]), buf, buf.position(), len);
    }
    return enqueue(s, requestType, sector, len, requestType == VirtioBlk.T_IN ? buf : null, userTag, c);
  }

  /**
   * Submits a DISCARD or WRITE_ZEROES of one range: its segment ({@code le64 sector, le32
   * num_sectors, le32 flags}) is the request's device-readable data.
   */
  synchronized Submit submitRange(int requestType, long sector, long sectors, int flags, long userTag, Completion c) {
    if (down) {
      return Submit.DOWN;
    }
    if (freeCount == 0) {
      return Submit.BUSY;
    }
    int s = free[--freeCount];
    int at = mem.offset(data[s]);
    mem.buffer().putLong(at, sector).putInt(at + 8, (int) sectors).putInt(at + 12, flags);
    return enqueue(s, requestType, sector, VirtioBlk.SEGMENT_LEN, null, userTag, c);
  }

  /**
   * Puts slot {@code s}'s request on the ring (under the monitor): header, data of {@code len}
   * bytes (device-writable when {@code dst} is set: a read into it; else device-readable; none if
   * 0), status byte.
   */
  private Submit enqueue(int s, int requestType, long sector, int len, ByteBuffer dst, long userTag,
      Completion c) {
    ByteBuffer b = mem.buffer();
    int h = mem.offset(hdr[s]);
    b.putInt(h, requestType).putInt(h + 4, 0).putLong(h + 8, sector);
    b.put(mem.offset(status[s]), (byte) 0xff);
    boolean in = dst != null;
    int head;
    if (len > 0) {
      addrs[0] = hdr[s];
      segLens[0] = VirtioBlk.HDR_LEN;
      addrs[1] = data[s];
      segLens[1] = len;
      addrs[2] = status[s];
      segLens[2] = 1;
      head = in ? q.add(addrs, segLens, 1, 2) : q.add(addrs, segLens, 2, 1);
    } else {
      addrs2[0] = hdr[s];
      segLens2[0] = VirtioBlk.HDR_LEN;
      addrs2[1] = status[s];
      segLens2[1] = 1;
      head = q.add(addrs2, segLens2, 1, 1);
    }
    if (head == DriverQueue.FULL) {
      free[freeCount++] = s;
      return Submit.BUSY;
    }
    slotOfHead[head] = s;
    tag[s] = userTag;
    done[s] = c;
    readInto[s] = dst;
    readLen[s] = len;
    type[s] = requestType;
    q.publish();
    kickIfUnplugged();
    return Submit.QUEUED;
  }

  /** One more plug: submissions are published but the device is not notified until the last unplug. */
  synchronized void plug() {
    plugs++;
  }

  /** Undoes one plug; the last notifies the device of what was published meanwhile, if it asks for it. */
  synchronized void unplug() {
    if (plugs == 0) {
      throw new IllegalStateException("queue " + index + " is not plugged");
    }
    plugs--;
    kickIfUnplugged();
  }

  /** Notifies the device of what was published, if nothing holds the queue plugged and it asks (under the monitor). */
  private void kickIfUnplugged() {
    if (plugs == 0 && !completing && !down && q.needsKick()) {
      device.kickVq(index);
    }
  }

  @Override
  public void used(int vqIndex) {
    int n = 0;
    synchronized (this) {
      long u;
      while (n < reapedTag.length && (u = q.pollUsed()) != DriverQueue.EMPTY) {
        int head = DriverQueue.usedId(u);
        int s = head >= 0 && head < slotOfHead.length ? slotOfHead[head] : -1;
        if (s < 0) {
          continue;
        }
        slotOfHead[head] = -1;
        int st = mem.buffer().get(mem.offset(status[s])) & 0xff;
        BlockStatus result = st == VirtioBlk.S_OK ? BlockStatus.OK : st == VirtioBlk.S_UNSUPP ? BlockStatus.UNSUPP
            : BlockStatus.IOERR;
        ByteBuffer dst = readInto[s];
        if (dst != null && result == BlockStatus.OK) {
          dst.put(dst.position(), mem.buffer(), mem.offset(data[s]), readLen[s]);
        }
        counters.count(type[s], readLen[s], result);
        reapedTag[n] = tag[s];
        reapedDone[n] = done[s];
        reapedStatus[n] = result;
        n++;
        release(s);
      }
      if (n == 0) {
        return;
      }
      // completions often submit again: plugged while they run, their requests cost the device one
      // notification for the batch (and the driver one fence), not one each
      completing = true;
    }
    try {
      for (int i = 0; i < n; i++) {
        Completion c = reapedDone[i];
        reapedDone[i] = null;
        c.done(reapedTag[i], reapedStatus[i]);
      }
    } finally {
      synchronized (this) {
        completing = false;
        kickIfUnplugged();
      }
    }
  }

  /** Frees a slot (under the monitor). */
  private void release(int s) {
    done[s] = null;
    readInto[s] = null;
    free[freeCount++] = s;
  }

  /** Refuses new requests and ends every one in flight with DOWN (the device is being reset). */
  void stop() {
    java.util.List<Runnable> ended = new java.util.ArrayList<>();
    synchronized (this) {
      down = true;
      for (int head = 0; head < slotOfHead.length; head++) {
        int s = slotOfHead[head];
        if (s >= 0) {
          slotOfHead[head] = -1;
          Completion c = done[s];
          long t = tag[s];
          release(s);
          ended.add(() -> c.done(t, BlockStatus.DOWN));
        }
      }
    }
    ended.forEach(Runnable::run);
  }

  /** What this queue carried so far. */
  synchronized net.vdpa.api.blk.BlockStats stats() {
    return counters.snapshot();
  }

  int maxTransfer() {
    return maxTransfer;
  }
}
