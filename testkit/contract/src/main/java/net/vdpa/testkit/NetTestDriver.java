package net.vdpa.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.mem.DmaAllocator;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.packed.PackedDriver;
import net.vdpa.ring.split.SplitDriver;
import net.vdpa.ring.split.SplitLayout;

/**
 * A small virtio-net driver for tests: maps one block of memory into the device, runs the virtio
 * initialisation sequence, keeps receive buffers posted, sends and receives frames and control
 * commands. Test thread only (the callbacks just count).
 */
public final class NetTestDriver {
  public static final long BASE = 0x4000_0000L;
  public static final long TIMEOUT_MS = 5_000;

  public final VdpaDevice dev;
  public final long features;
  /** The packet header's length under {@link #features}: 20 with HASH_REPORT, else 12. */
  public final int hdrLen;
  public final int qsize;
  public final int rxBufLen;
  public final ByteBuffer mem;
  public final MemoryRegion region;
  public final Iotlb iotlb = new Iotlb();
  public final DmaAllocator dma;
  public final DriverQueue[] queues;
  public final long[][] rxIova;
  public final AtomicInteger[] interrupts;
  public final AtomicInteger configChanges = new AtomicInteger();
  public int ctrlIndex = -1;

  public NetTestDriver(VdpaDevice dev, long features, int qsize, int rxBufLen, int memMiB) {
    this.dev = dev;
    this.features = features;
    this.hdrLen = VirtioNet.hdrLen(features);
    this.qsize = qsize;
    this.rxBufLen = rxBufLen;
    this.mem = ByteBuffer.allocateDirect((memMiB << 20) + 4096).alignedSlice(4096).order(ByteOrder.LITTLE_ENDIAN);
    this.region = MemoryRegion.wrap(mem);
    iotlb.map(BASE, region.size(), region, 0, Permission.READ_WRITE);
    this.dma = new DmaAllocator(region, BASE);
    this.queues = new DriverQueue[dev.vqCount()];
    this.rxIova = new long[dev.vqCount()][qsize];
    this.interrupts = new AtomicInteger[dev.vqCount()];
    for (int i = 0; i < interrupts.length; i++) {
      interrupts[i] = new AtomicInteger();
    }
  }

  public static long f(int... bits) {
    long m = 0;
    for (int b : bits) {
      m |= VirtioNet.bit(b);
    }
    return m;
  }

  /** VERSION_1, ACCESS_PLATFORM, MAC, MTU, STATUS, CTRL_VQ, CTRL_RX, CTRL_MAC_ADDR. */
  public static long baseFeatures() {
    return f(VirtioNet.F_VERSION_1, VirtioNet.F_ACCESS_PLATFORM, VirtioNet.F_MAC, VirtioNet.F_MTU, VirtioNet.F_STATUS,
        VirtioNet.F_CTRL_VQ, VirtioNet.F_CTRL_RX, VirtioNet.F_CTRL_MAC_ADDR);
  }

  public boolean has(int bit) {
    return (features & VirtioNet.bit(bit)) != 0;
  }

  /** Up to FEATURES_OK: reset, map memory, negotiate. */
  public void negotiate() {
    dev.reset();
    dev.setConfigCallback(configChanges::incrementAndGet);
    dev.dmaMap(BASE, mem.duplicate(), VdpaDevice.DMA_READ_WRITE);
    dev.setStatus(VirtioStatus.ACKNOWLEDGE);
    dev.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
    dev.setDriverFeatures(features);
    dev.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
  }

  /** The whole sequence with {@code pairs} queue pairs set up and receive buffers posted. */
  public NetTestDriver start(int pairs) {
    negotiate();
    int maxPairs = has(VirtioNet.F_MQ) ? (dev.vqCount() - 1) / 2 : 1;
    for (int p = 0; p < pairs; p++) {
      setupQueue(VirtioNet.rxq(p));
      setupQueue(VirtioNet.txq(p));
    }
    if (has(VirtioNet.F_CTRL_VQ)) {
      ctrlIndex = 2 * maxPairs;
      setupQueue(ctrlIndex);
    }
    dev.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK | VirtioStatus.DRIVER_OK);
    for (int p = 0; p < pairs; p++) {
      post(p);
    }
    return this;
  }

  public void setupQueue(int idx) {
    boolean packed = has(VirtioNet.F_RING_PACKED);
    long desc = alloc(16L * qsize, 4096);
    long drv = alloc(packed ? 4 : SplitLayout.availSize(qsize), 4096);
    long devArea = alloc(packed ? 4 : SplitLayout.usedSize(qsize), 4096);
    QueueConfig qc = new QueueConfig(qsize, desc, drv, devArea, features);
    queues[idx] = packed ? new PackedDriver(qc, iotlb) : new SplitDriver(qc, iotlb);
    dev.setVqNum(idx, qsize);
    dev.setVqAddress(idx, desc, drv, devArea);
    dev.setVqCallback(idx, i -> interrupts[i].incrementAndGet());
    dev.setVqReady(idx, true);
  }

  public long alloc(long size, long align) {
    long iova = dma.allocate(size, align);
    if (iova == DmaAllocator.NO_SPACE) {
      throw new IllegalStateException("test driver memory full");
    }
    return iova;
  }

  /** Fills the receive queue of a pair with buffers. */
  public void post(int pair) {
    int idx = VirtioNet.rxq(pair);
    DriverQueue q = queues[idx];
    while (q.freeDescriptors() > 0) {
      long iova = alloc(rxBufLen, 64);
      int id = q.add(iova, rxBufLen, true);
      rxIova[idx][id] = iova;
    }
    publish(idx);
  }

  public void publish(int idx) {
    DriverQueue q = queues[idx];
    q.publish();
    if (q.needsKick()) {
      dev.kickVq(idx);
    }
  }

  /** Sends a frame (header + frame in one buffer) and reclaims finished transmit buffers. */
  public void send(int pair, byte[] frame) {
    int idx = VirtioNet.txq(pair);
    DriverQueue q = queues[idx];
    reclaim(q);
    long iova = alloc(hdrLen + frame.length, 16);
    region.put(iova - BASE + hdrLen, frame, 0, frame.length);
    long deadline = deadline();
    while (q.add(iova, hdrLen + frame.length, false) == DriverQueue.FULL) {
      reclaim(q);
      waitABit(deadline, "transmit ring of pair " + pair + " stays full");
    }
    publish(idx);
  }

  /** Sends a frame as an indirect chain of two buffers: the header, then the frame. */
  public void sendIndirect(int pair, byte[] frame) {
    int idx = VirtioNet.txq(pair);
    DriverQueue q = queues[idx];
    reclaim(q);
    long hdr = alloc(hdrLen, 16);
    long data = alloc(frame.length, 16);
    long table = alloc(32, 16);
    region.put(data - BASE, frame, 0, frame.length);
    if (q.addIndirect(table, new long[] {hdr, data}, new int[] {hdrLen, frame.length}, 2, 0)
        == DriverQueue.FULL) {
      throw new IllegalStateException("transmit ring full");
    }
    publish(idx);
  }

  /** Takes back finished transmit buffers; returns how many. */
  public int reclaim(DriverQueue q) {
    int n = 0;
    while (q.pollUsed() != DriverQueue.EMPTY) {
      n++;
    }
    return n;
  }

  /** Waits until the transmit queue of a pair has handed back every buffer sent on it. */
  public void awaitTxDone(int pair) {
    DriverQueue q = queues[VirtioNet.txq(pair)];
    long deadline = deadline();
    reclaim(q);
    while (q.freeDescriptors() < q.size()) {
      waitABit(deadline, "transmit of pair " + pair + ": " + (q.size() - q.freeDescriptors()) + " buffers still out");
      reclaim(q);
    }
  }

  /**
   * Receives one frame on a pair, gathering mergeable buffers, reposting them.
   *
   * @return the frame, or null if none came within {@code timeoutMs}
   */
  public byte[] receive(int pair, long timeoutMs) {
    int idx = VirtioNet.rxq(pair);
    DriverQueue q = queues[idx];
    long first = pollWait(q, timeoutMs);
    if (first == DriverQueue.EMPTY) {
      return null;
    }
    int id = DriverQueue.usedId(first);
    int len = DriverQueue.usedLength(first);
    long iova = rxIova[idx][id];
    if (len < hdrLen) {
      // a buffer handed back without a frame (the device refused one)
      repost(q, idx, iova);
      publish(idx);
      return new byte[0];
    }
    byte[] hdr = new byte[hdrLen];
    region.get(iova - BASE, hdr, 0, hdrLen);
    int numBuffers = (hdr[VirtioNet.HDR_NUM_BUFFERS] & 0xff) | (hdr[VirtioNet.HDR_NUM_BUFFERS + 1] & 0xff) << 8;
    lastNumBuffers = numBuffers;
    ByteBuffer h = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
    lastHashValue = hdrLen == VirtioNet.HDR_LEN_HASH ? h.getInt(VirtioNet.HDR_HASH_VALUE) : 0;
    lastHashReport = hdrLen == VirtioNet.HDR_LEN_HASH ? Short.toUnsignedInt(h.getShort(VirtioNet.HDR_HASH_REPORT)) : -1;
    lastHashPadding = hdrLen == VirtioNet.HDR_LEN_HASH ? Short.toUnsignedInt(h.getShort(VirtioNet.HDR_HASH_PADDING)) : -1;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(read(iova + hdrLen, len - hdrLen), 0, len - hdrLen);
    repost(q, idx, iova);
    for (int i = 1; i < numBuffers; i++) {
      long u = pollWait(q, TIMEOUT_MS);
      if (u == DriverQueue.EMPTY) {
        throw new AssertionError("buffer " + (i + 1) + " of " + numBuffers + " never came");
      }
      long b = rxIova[idx][DriverQueue.usedId(u)];
      int l = DriverQueue.usedLength(u);
      out.write(read(b, l), 0, l);
      repost(q, idx, b);
    }
    publish(idx);
    return out.toByteArray();
  }

  /** With HASH_REPORT: the last received frame's {@code hash_value}; 0 without. */
  public int lastHashValue;
  /** With HASH_REPORT: the last received frame's {@code hash_report} code; -1 without. */
  public int lastHashReport = -1;
  /** With HASH_REPORT: the last received frame's {@code padding}; -1 without. */
  public int lastHashPadding = -1;

  public int lastNumBuffers;

  private void repost(DriverQueue q, int idx, long iova) {
    int id = q.add(iova, rxBufLen, true);
    rxIova[idx][id] = iova;
  }

  public byte[] read(long iova, int len) {
    byte[] b = new byte[len];
    region.get(iova - BASE, b, 0, len);
    return b;
  }

  private long pollWait(DriverQueue q, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      long u = q.pollUsed();
      if (u != DriverQueue.EMPTY || System.nanoTime() > deadline) {
        return u;
      }
      LockSupport.parkNanos(20_000);
    }
  }

  /** Sends a control command and returns the ack byte. */
  public int control(int cls, int cmd, byte... data) {
    DriverQueue q = queues[ctrlIndex];
    long cmdIova = alloc(2 + data.length, 16);
    long ackIova = alloc(1, 16);
    byte[] c = new byte[2 + data.length];
    c[0] = (byte) cls;
    c[1] = (byte) cmd;
    System.arraycopy(data, 0, c, 2, data.length);
    region.put(cmdIova - BASE, c, 0, c.length);
    region.put(ackIova - BASE, new byte[] {(byte) 0xee}, 0, 1);
    q.add(new long[] {cmdIova, ackIova}, new int[] {c.length, 1}, 1, 1);
    publish(ctrlIndex);
    long u = pollWait(q, TIMEOUT_MS);
    if (u == DriverQueue.EMPTY) {
      throw new AssertionError("control command " + cls + "/" + cmd + " never answered");
    }
    return read(ackIova, 1)[0] & 0xff;
  }

  public static long deadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
  }

  public static void waitABit(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new AssertionError("timed out: " + what);
    }
    LockSupport.parkNanos(20_000);
  }

  /** A frame to {@code dst} from a fixed source, of {@code len} bytes, content from a seed. */
  public static byte[] frame(long dst, int len, int seed) {
    return frame(dst, 0x02_00_00_00_00_42L, len, seed);
  }

  /** A frame to {@code dst} from {@code src}, of {@code len} bytes, content from a seed. */
  public static byte[] frame(long dst, long src, int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) (dst >>> (40 - 8 * i));
      b[6 + i] = (byte) (src >>> (40 - 8 * i));
    }
    b[12] = (byte) 0x88;
    b[13] = (byte) 0xb5;
    for (int i = 14; i < len; i++) {
      b[i] = (byte) (i * 31 + seed * 7);
    }
    return b;
  }
}
