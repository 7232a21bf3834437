package net.vdpa.benchmarks.pt;

import java.nio.ByteBuffer;
import java.util.List;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.api.vhost.IotlbMsg;
import net.vdpa.api.vhost.VhostHandle;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;

/**
 * The same work as the poll-mode port, done over the in-process vhost API instead of the
 * passthrough handle: one queue pair of split rings and packet slots in the benchmark's own
 * memory, mapped with one IOTLB update, set up with the vhost calls, kicked with {@link
 * VhostHandle#kick}. Slots are {@value #SLOT} bytes (the virtio-net header, then the frame), one
 * per descriptor id. One thread; allocation-free after construction.
 */
final class VhostPort implements AutoCloseable {
  static final int QUEUE_SIZE = 256;
  static final int SLOT = 2048;
  private static final long BASE = 0x1_0000_0000L;
  private static final int HDR = VirtioNet.HDR_LEN;

  private final VhostHandle handle;
  private final DriverMemory mem;
  private final ByteBuffer buf;
  private final DriverQueue rx;
  private final DriverQueue tx;
  /** IOVA of the slot each receive and transmit descriptor id carries. */
  private final long[] rxSlot = new long[QUEUE_SIZE];
  private final long[] txSlot = new long[QUEUE_SIZE];
  /** Free transmit slots (a stack of IOVAs). */
  private final long[] txFree = new long[QUEUE_SIZE];
  private int txFreeCount;

  VhostPort(VhostHandle handle) {
    this.handle = handle;
    long features = 1L << VirtioNet.F_VERSION_1;
    long size = 2 * DriverRing.footprint(QUEUE_SIZE, false) + 2L * QUEUE_SIZE * SLOT + 4096;
    mem = new DriverMemory(BASE, (int) ((size + 4095) / 4096 * 4096));
    buf = mem.buffer();
    DriverRing rxRing = DriverRing.create(mem, QUEUE_SIZE, false, features);
    DriverRing txRing = DriverRing.create(mem, QUEUE_SIZE, false, features);
    rx = rxRing.queue();
    tx = txRing.queue();
    handle.setOwner();
    handle.setStatus(VirtioStatus.ACKNOWLEDGE);
    handle.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
    handle.setFeatures(features);
    handle.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
    handle.iotlb(List.of(IotlbMsg.update(BASE, buf.duplicate().clear(), VdpaDevice.DMA_READ_WRITE)));
    setUp(0, rxRing.config());
    setUp(1, txRing.config());
    rx.disableInterrupts();
    tx.disableInterrupts();
    handle.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK
        | VirtioStatus.DRIVER_OK);
    for (int i = 0; i < QUEUE_SIZE; i++) {
      long slot = mem.allocate(SLOT, 64);
      int id = rx.add(slot, SLOT, true);
      rxSlot[id] = slot;
    }
    for (int i = 0; i < QUEUE_SIZE; i++) {
      txFree[txFreeCount++] = mem.allocate(SLOT, 64);
    }
    rx.publish();
    handle.kick(0);
  }

  private void setUp(int q, QueueConfig c) {
    handle.setVringNum(q, c.size());
    handle.setVringAddr(q, c.descAddr(), c.driverAddr(), c.deviceAddr());
    handle.setVringBase(q, 0);
    handle.setVringEnable(q, true);
  }

  /**
   * Copies the frame into up to {@code count} free transmit slots, publishes them and kicks if the
   * device asks.
   *
   * @return frames handed to the device
   */
  int txBurst(ByteBuffer frame, int len, int count) {
    final DriverQueue q = tx;
    long used;
    while ((used = q.pollUsed()) != DriverQueue.EMPTY) {
      txFree[txFreeCount++] = txSlot[DriverQueue.usedId(used)];
    }
    int n = 0;
    while (n < count && txFreeCount > 0) {
      long slot = txFree[txFreeCount - 1];
      int off = mem.offset(slot);
      buf.putLong(off, 0L).putInt(off + 8, 0);
      buf.put(off + HDR, frame, 0, len);
      int id = q.add(slot, HDR + len, false);
      if (id == DriverQueue.FULL) {
        break;
      }
      txFreeCount--;
      txSlot[id] = slot;
      n++;
    }
    if (n > 0) {
      q.publish();
      if (q.needsKick()) {
        handle.kick(1);
      }
    }
    return n;
  }

  /**
   * Takes back received frames (checking their length) and posts their slots again.
   *
   * @param len the frame length expected
   * @param max at most this many
   * @return frames received
   */
  int rxBurst(int len, int max) {
    final DriverQueue q = rx;
    int n = 0;
    long used;
    while (n < max && (used = q.pollUsed()) != DriverQueue.EMPTY) {
      int id = DriverQueue.usedId(used);
      if (DriverQueue.usedLength(used) != HDR + len) {
        throw new IllegalStateException("a frame came back with " + (DriverQueue.usedLength(used) - HDR)
            + " bytes, not " + len);
      }
      long slot = rxSlot[id];
      int again = q.add(slot, SLOT, true);
      rxSlot[again] = slot;
      n++;
    }
    if (n > 0) {
      q.publish();
      if (q.needsKick()) {
        handle.kick(0);
      }
    }
    return n;
  }

  @Override
  public void close() {
    handle.close();
  }
}
