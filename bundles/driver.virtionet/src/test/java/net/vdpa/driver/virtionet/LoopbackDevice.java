package net.vdpa.driver.virtionet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.split.SplitDevice;

/**
 * A minimal network device for the driver's unit tests: a kick on a transmit queue copies each
 * frame into the receive queue of the same pair, on the kicking thread (mergeable buffers
 * included), and answers control commands with OK. Independent of the simulated NIC bundle.
 */
class LoopbackDevice implements VdpaDevice {
  final long features;
  final int pairs;
  final int mtu;
  private final Iotlb iotlb = new Iotlb();
  private final DeviceQueue[] queues;
  private final QueueConfig[] configs;
  private final int[] nums;
  private final long[][] addrs;
  private final VqCallback[] callbacks;
  private final ByteBuffer frame = ByteBuffer.allocateDirect(65536).order(ByteOrder.LITTLE_ENDIAN);
  private final DescriptorChain chain = new DescriptorChain();
  private final DescriptorChain[] rxChains = new DescriptorChain[64];
  private volatile int status;
  private long driverFeatures;
  int controlCommands;

  LoopbackDevice(long features, int pairs, int mtu) {
    this.features = features;
    this.pairs = pairs;
    this.mtu = mtu;
    int n = 2 * pairs + 1;
    queues = new DeviceQueue[n];
    configs = new QueueConfig[n];
    nums = new int[n];
    addrs = new long[n][3];
    callbacks = new VqCallback[n];
    for (int i = 0; i < rxChains.length; i++) {
      rxChains[i] = new DescriptorChain();
    }
  }

  @Override public String name() { return "loop0"; }
  @Override public int deviceId() { return ID_NET; }
  @Override public int vendorId() { return 0; }
  @Override public int vqCount() { return 2 * pairs + 1; }
  @Override public int vqNumMax() { return 256; }
  @Override public long deviceFeatures() { return features; }
  @Override public void setDriverFeatures(long f) { driverFeatures = f; }
  @Override public long driverFeatures() { return driverFeatures; }
  @Override public int status() { return status; }

  @Override
  public synchronized void setStatus(int s) {
    if ((s & VirtioStatus.DRIVER_OK) != 0 && (status & VirtioStatus.DRIVER_OK) == 0) {
      for (int i = 0; i < queues.length; i++) {
        if (nums[i] > 0) {
          configs[i] = new QueueConfig(nums[i], addrs[i][0], addrs[i][1], addrs[i][2], driverFeatures);
          queues[i] = Negotiation.has(driverFeatures, VirtioNet.F_RING_PACKED)
              ? new PackedDevice(configs[i], iotlb) : new SplitDevice(configs[i], iotlb);
        }
      }
    }
    status = s;
  }

  @Override
  public synchronized void reset() {
    status = 0;
    for (int i = 0; i < queues.length; i++) {
      queues[i] = null;
      nums[i] = 0;
      callbacks[i] = null;
    }
    iotlb.clear();
  }

  @Override public int configSize() { return VirtioNet.CFG_SIZE; }

  @Override
  public void getConfig(int offset, ByteBuffer dst) {
    ByteBuffer c = ByteBuffer.allocate(VirtioNet.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    c.put(new byte[] {2, 0, 0, 0, 0, 1});
    c.putShort(VirtioNet.CFG_STATUS, (short) VirtioNet.S_LINK_UP);
    c.putShort(VirtioNet.CFG_MAX_VQ_PAIRS, (short) pairs);
    c.putShort(VirtioNet.CFG_MTU, (short) mtu);
    while (dst.hasRemaining()) {
      dst.put(c.get(offset++));
    }
  }

  @Override public int generation() { return 0; }
  @Override public void setConfigCallback(Runnable callback) { }
  @Override public void setVqAddress(int idx, long d, long dr, long dv) { addrs[idx] = new long[] {d, dr, dv}; }
  @Override public void setVqNum(int idx, int num) { nums[idx] = num; }
  @Override public void setVqReady(int idx, boolean ready) { }
  @Override public boolean isVqReady(int idx) { return queues[idx] != null; }
  @Override public VqState getVqState(int idx) { return VqState.split(0); }
  @Override public void setVqState(int idx, VqState state) { }
  @Override public void setVqCallback(int idx, VqCallback cb) { callbacks[idx] = cb; }

  /** The memory the driver mapped last, and where: for reading its rings in a test. */
  private ByteBuffer mapped;
  private long mappedIova;

  /** A copy of a queue's descriptor table as the driver has written it. */
  synchronized byte[] descriptorTable(int idx) {
    byte[] table = new byte[nums[idx] * 16];
    mapped.get((int) (addrs[idx][0] - mappedIova), table);
    return table;
  }

  /**
   * Writes one used element and the used index of a split queue straight into the ring, as a device
   * that does not follow the driver's chains would.
   *
   * @param idx the queue
   * @param usedIdx the used index to publish (the element goes in the slot before it)
   * @param id the id the element names
   */
  synchronized void writeUsed(int idx, int usedIdx, int id) {
    ByteBuffer u = mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int base = (int) (addrs[idx][2] - mappedIova);
    int elem = base + 4 + 8 * ((usedIdx - 1) & (nums[idx] - 1));
    u.putInt(elem, id);
    u.putInt(elem + 4, 0);
    u.putShort(base + 2, (short) usedIdx);
  }

  @Override
  public void dmaMap(long iova, ByteBuffer memory, int perm) {
    mapped = memory.duplicate();
    mappedIova = iova;
    iotlb.map(iova, memory.remaining(), MemoryRegion.wrap(memory), 0, Permission.READ_WRITE);
  }

  @Override
  public void dmaUnmap(long iova, long size) {
    iotlb.unmap(iova, size);
  }

  @Override
  public synchronized void kickVq(int idx) {
    DeviceQueue q = queues[idx];
    if (q == null || (status & VirtioStatus.DRIVER_OK) == 0) {
      return;
    }
    if (idx == 2 * pairs) {
      while (q.pop(chain)) {
        controlCommands++;
        chain.writeFrom(new byte[] {VirtioNet.CTRL_OK}, 0, 1);
        q.push(chain.id(), 1);
      }
      q.publish();
      return;
    }
    if (idx % 2 == 0) {
      return; // new receive buffers: nothing waits for them here
    }
    DeviceQueue rx = queues[idx - 1];
    boolean mergeable = Negotiation.has(driverFeatures, VirtioNet.F_MRG_RXBUF);
    while (q.pop(chain)) {
      int len = chain.readTo(frame, 0, frame.capacity());
      q.push(chain.id(), 0);
      deliver(rx, len, mergeable);
    }
    q.publish();
    rx.publish();
    VqCallback cb = callbacks[idx - 1];
    if (cb != null && rx.needsNotify()) {
      cb.used(idx - 1);
    }
  }

  /** Writes header + frame (already in {@link #frame}, header zeroed by the sender) into RX buffers. */
  private void deliver(DeviceQueue rx, int len, boolean mergeable) {
    int k = 0;
    long room = 0;
    while (room < len) {
      if (k == rxChains.length || !rx.pop(rxChains[k])) {
        throw new AssertionError("loopback device ran out of receive buffers for a frame of " + len + " bytes");
      }
      room += rxChains[k].writableBytes();
      k++;
      if (!mergeable && room < len) {
        throw new AssertionError("frame of " + len + " bytes does not fit a receive buffer");
      }
    }
    if (mergeable) {
      frame.putShort(VirtioNet.HDR_NUM_BUFFERS, (short) k);
    }
    int done = 0;
    for (int i = 0; i < k; i++) {
      int n = rxChains[i].writeFrom(frame, done, len - done);
      rx.push(rxChains[i].id(), n);
      done += n;
    }
  }
}
