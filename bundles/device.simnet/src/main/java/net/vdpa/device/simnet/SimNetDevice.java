package net.vdpa.device.simnet;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingIndex;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.packed.PackedQueueState;
import net.vdpa.ring.split.SplitDevice;
import net.vdpa.ring.split.SplitQueueState;

/**
 * A simulated virtio-net NIC: the control plane of one device (status, features, config space,
 * queue set-up, DMA map, suspend and reset) and the owner of its queue pair workers and its port.
 *
 * <p>Threads. Control-plane calls hold {@link #lock}; workers never take it, so a reset can stop
 * and join them. {@link #kickVq} takes no lock and allocates nothing. Callbacks run on workers.
 */
final class SimNetDevice implements VdpaDevice, Port.Owner, WorkerHost, ControlQueue.Target {
  /** The largest queue size offered. */
  static final int VQ_NUM_MAX = 1024;
  /** Prefix of every worker thread name, followed by the device name and {@code -qp<N>}. */
  static final String THREAD_PREFIX = "simnet-";
  private static final long JOIN_MILLIS = 5_000;
  private static final QueuePairWorker[] NO_WORKERS = new QueuePairWorker[0];

  private final NetSpec spec;
  private final SimLog log;
  private final Object lock = new Object();
  private final StatusMachine status;
  private final NetConfigSpace config;
  private final Iotlb iotlb = new Iotlb();
  /** IOVA to size of every dmaMap; guarded by {@link #lock}. */
  private final NavigableMap<Long, Long> mappings = new TreeMap<>();
  private final VqSlot[] slots;
  private final RxFilter filter;
  private final Port port;
  private volatile Runnable configCallback;
  /** The running workers by queue pair (null where a pair has no ready queue). */
  private volatile QueuePairWorker[] workers = NO_WORKERS;
  private volatile int activePairs = 1;
  /** The control queue index once DRIVER_OK is set, else -1. */
  private volatile int ctrlIndex = -1;
  /** Guarded by {@link #lock}. */
  private boolean suspended;

  /**
   * Creates a device in the reset state, its port in loopback with the link up.
   *
   * @param spec what the device is
   * @param log where its log lines go
   */
  SimNetDevice(NetSpec spec, SimLog log) {
    this.spec = spec;
    this.log = log;
    this.status = new StatusMachine(spec.name(), spec.features());
    this.config = new NetConfigSpace(spec.mac(), spec.maxVqp(), spec.mtu());
    this.filter = new RxFilter(spec.mac().value());
    this.port = new Port(this);
    this.slots = new VqSlot[spec.vqCount()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new VqSlot(i);
    }
  }

  /**
   * What the device is.
   *
   * @return its spec
   */
  NetSpec spec() {
    return spec;
  }

  /**
   * The device's port.
   *
   * @return the port
   */
  Port port() {
    return port;
  }

  // ---------------------------------------------------------------- identity

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public int deviceId() {
    return ID_NET;
  }

  @Override
  public int vendorId() {
    return 0;
  }

  @Override
  public int vqCount() {
    return slots.length;
  }

  @Override
  public int vqNumMax() {
    return VQ_NUM_MAX;
  }

  // ---------------------------------------------------------------- features and status

  @Override
  public long deviceFeatures() {
    return spec.features();
  }

  @Override
  public void setDriverFeatures(long features) {
    synchronized (lock) {
      status.setDriverFeatures(features);
    }
  }

  @Override
  public long driverFeatures() {
    return status.driverFeatures();
  }

  @Override
  public int status() {
    return status.status();
  }

  @Override
  public void setStatus(int s) {
    if (s == 0) {
      reset();
      return;
    }
    synchronized (lock) {
      if (status.check(s)) {
        startDatapath();
      }
      status.apply(s);
    }
  }

  @Override
  public void reset() {
    QueuePairWorker[] ws;
    synchronized (lock) {
      ws = workers;
      workers = NO_WORKERS;
      for (QueuePairWorker w : ws) {
        if (w != null) {
          w.stop();
        }
      }
    }
    for (QueuePairWorker w : ws) {
      if (w != null && !w.join(JOIN_MILLIS)) {
        log.warn("device " + name() + ": worker " + w.thread().getName() + " did not stop within " + JOIN_MILLIS + " ms");
      }
    }
    synchronized (lock) {
      status.reset();
      for (VqSlot slot : slots) {
        slot.reset();
      }
      iotlb.clear();
      mappings.clear();
      filter.reset();
      if (config.mac().value() != spec.mac().value()) {
        config.setMac(spec.mac().value());
      }
      activePairs = 1;
      ctrlIndex = -1;
      suspended = false;
      for (int p = 0; p < spec.maxVqp(); p++) {
        FrameQueue in = port.inbox(p);
        if (in != null) {
          in.drain();
        }
      }
    }
  }

  /** Builds the live rings of the ready queues and starts a worker per queue pair (under the lock). */
  private void startDatapath() {
    final long f = status.driverFeatures();
    final boolean packed = has(f, VirtioNet.F_RING_PACKED);
    final int pairs = has(f, VirtioNet.F_MQ) ? spec.maxVqp() : 1;
    final int ctrl = has(f, VirtioNet.F_CTRL_VQ) ? 2 * pairs : -1;
    try {
      for (VqSlot slot : slots) {
        if (slot.ready && (slot.index < 2 * pairs || slot.index == ctrl)) {
          slot.queue = liveQueue(slot, f, packed);
        }
      }
    } catch (IllegalArgumentException e) {
      for (VqSlot slot : slots) {
        slot.queue = null;
      }
      throw new IllegalStateException("device " + name() + ": DRIVER_OK refused: " + e.getMessage(), e);
    }
    ctrlIndex = ctrl;
    activePairs = 1;
    QueuePairWorker[] ws = new QueuePairWorker[pairs];
    for (int p = 0; p < pairs; p++) {
      VqSlot rx = live(VirtioNet.rxq(p));
      VqSlot tx = live(VirtioNet.txq(p));
      ControlQueue cq = p == 0 && ctrl >= 0 && live(ctrl) != null
          ? new ControlQueue(slots[ctrl], filter, this, f) : null;
      if (rx != null || tx != null || cq != null) {
        ws[p] = new QueuePairWorker(this, THREAD_PREFIX + name() + "-qp" + p, p, port, filter, rx, tx, cq,
            has(f, VirtioNet.F_MRG_RXBUF), spec.maxFrame(), suspended);
      }
    }
    workers = ws;
    for (QueuePairWorker w : ws) {
      if (w != null) {
        w.start();
      }
    }
  }

  private DeviceQueue liveQueue(VqSlot slot, long f, boolean packed) {
    if (slot.num == 0) {
      throw new IllegalArgumentException("vq " + slot.index + " is ready but its size was never set");
    }
    QueueConfig qc = new QueueConfig(slot.num, slot.descArea, slot.driverArea, slot.deviceArea, f);
    try {
      VqState s = slot.state;
      if (packed) {
        return s == null ? new PackedDevice(qc, iotlb) : PackedDevice.restore(qc, iotlb, packedState(s));
      }
      return s == null ? new SplitDevice(qc, iotlb) : SplitDevice.restore(qc, iotlb, splitState(s));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("vq " + slot.index + ": " + e.getMessage(), e);
    }
  }

  private VqSlot live(int idx) {
    return idx < slots.length && slots[idx].queue != null ? slots[idx] : null;
  }

  private static boolean has(long features, int bit) {
    return (features & VirtioNet.bit(bit)) != 0;
  }

  // ---------------------------------------------------------------- suspend

  @Override
  public boolean supportsSuspend() {
    return true;
  }

  @Override
  public void suspend() {
    QueuePairWorker[] ws;
    synchronized (lock) {
      if (suspended) {
        return;
      }
      suspended = true;
      ws = workers;
      for (QueuePairWorker w : ws) {
        if (w != null) {
          w.pause();
        }
      }
    }
    for (QueuePairWorker w : ws) {
      if (w != null && !w.awaitPaused(JOIN_MILLIS)) {
        throw new IllegalStateException("device " + name() + ": worker " + w.thread().getName()
            + " did not pause within " + JOIN_MILLIS + " ms");
      }
    }
  }

  @Override
  public void resume() {
    synchronized (lock) {
      if (!suspended) {
        return;
      }
      suspended = false;
      for (QueuePairWorker w : workers) {
        if (w != null) {
          w.resume();
        }
      }
    }
  }

  // ---------------------------------------------------------------- config space

  @Override
  public int configSize() {
    return VirtioNet.CFG_SIZE;
  }

  @Override
  public void getConfig(int offset, ByteBuffer dst) {
    config.read(offset, dst);
  }

  @Override
  public int generation() {
    return config.generation();
  }

  @Override
  public void setConfigCallback(Runnable callback) {
    configCallback = callback;
  }

  /**
   * Sets the link state in the config space and tells the driver if it changed.
   *
   * @param up the new state
   */
  void setLink(boolean up) {
    port.setLinkUp(up);
    if (config.setLink(up)) {
      configChanged();
    }
  }

  private void configChanged() {
    Runnable cb = configCallback;
    if (cb != null) {
      cb.run();
    }
  }

  // ---------------------------------------------------------------- virtqueues

  private VqSlot slot(int idx) {
    if (idx < 0 || idx >= slots.length) {
      throw new IllegalArgumentException("device " + name() + ": vq " + idx + " does not exist (vq count "
          + slots.length + ")");
    }
    return slots[idx];
  }

  private VqSlot setupSlot(int idx, String what) {
    VqSlot slot = slot(idx);
    if (status.has(VirtioStatus.DRIVER_OK)) {
      throw new IllegalStateException("device " + name() + ": " + what + " of vq " + idx
          + " after DRIVER_OK (status " + VirtioStatus.format(status.status()) + "); reset the device first");
    }
    return slot;
  }

  @Override
  public void setVqAddress(int idx, long descArea, long driverArea, long deviceArea) {
    synchronized (lock) {
      VqSlot slot = setupSlot(idx, "set_vq_address");
      if (slot.ready) {
        throw new IllegalStateException("device " + name() + ": set_vq_address of vq " + idx
            + " while it is ready; disable it first");
      }
      slot.descArea = descArea;
      slot.driverArea = driverArea;
      slot.deviceArea = deviceArea;
    }
  }

  @Override
  public void setVqNum(int idx, int num) {
    synchronized (lock) {
      VqSlot slot = setupSlot(idx, "set_vq_num");
      boolean split = status.has(VirtioStatus.FEATURES_OK) && !has(status.driverFeatures(), VirtioNet.F_RING_PACKED);
      if (num < 1 || num > VQ_NUM_MAX || (split && Integer.bitCount(num) != 1)) {
        throw new IllegalArgumentException("device " + name() + ": vq " + idx + " size " + num + " is not "
            + (split ? "a power of two " : "") + "in 1.." + VQ_NUM_MAX);
      }
      slot.num = num;
    }
  }

  @Override
  public void setVqReady(int idx, boolean ready) {
    synchronized (lock) {
      setupSlot(idx, "set_vq_ready").ready = ready;
    }
  }

  @Override
  public boolean isVqReady(int idx) {
    synchronized (lock) {
      return slot(idx).ready;
    }
  }

  @Override
  public VqState getVqState(int idx) {
    synchronized (lock) {
      VqSlot slot = slot(idx);
      DeviceQueue q = slot.queue;
      if (q == null) {
        return slot.state != null ? slot.state : new VqState(0, true, 0, true);
      }
      // receive chains taken for a frame that did not fit are given back to the saved state
      RxQueue rx = idx % 2 == 0 && idx != ctrlIndex ? rxOf(idx / 2) : null;
      if (q instanceof SplitDevice sd) {
        SplitQueueState s = sd.state();
        int back = rx == null ? 0 : rx.heldChains();
        return new VqState(RingIndex.add(s.lastAvailIdx(), -back), true, s.lastUsedIdx(), true);
      }
      PackedQueueState s = ((PackedDevice) q).state();
      int back = rx == null ? 0 : rx.heldDescriptors();
      int avail = s.lastAvailIdx() - back;
      boolean wrap = s.availWrap();
      if (avail < 0) {
        avail += slot.num;
        wrap = !wrap;
      }
      return new VqState(avail, wrap, s.lastUsedIdx(), s.usedWrap());
    }
  }

  private RxQueue rxOf(int pair) {
    QueuePairWorker[] ws = workers;
    return pair < ws.length && ws[pair] != null ? ws[pair].rxQueue() : null;
  }

  @Override
  public void setVqState(int idx, VqState state) {
    synchronized (lock) {
      VqSlot slot = setupSlot(idx, "set_vq_state");
      int size = slot.num > 0 ? slot.num : QueueConfig.MAX_SIZE;
      try {
        if (has(status.driverFeatures(), VirtioNet.F_RING_PACKED)) {
          packedState(state).validate(size);
        } else {
          splitState(state).validate(size);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("device " + name() + ": vq " + idx + " state " + state + " refused: "
            + e.getMessage(), e);
      }
      slot.state = state;
    }
  }

  private static SplitQueueState splitState(VqState s) {
    return new SplitQueueState(s.lastAvailIdx(), s.lastUsedIdx());
  }

  private static PackedQueueState packedState(VqState s) {
    return new PackedQueueState(s.lastAvailIdx(), s.lastAvailWrap(), s.lastUsedIdx(), s.lastUsedWrap());
  }

  @Override
  public void kickVq(int idx) {
    if (idx < 0) {
      return;
    }
    final int p = idx == ctrlIndex ? 0 : idx >> 1;
    final QueuePairWorker[] ws = workers;
    if (p >= 0 && p < ws.length) {
      final QueuePairWorker w = ws[p];
      if (w != null) {
        w.kick();
      }
    }
  }

  @Override
  public void setVqCallback(int idx, VqCallback callback) {
    slot(idx).callback = callback;
  }

  @Override
  public Map<String, Long> vendorVqStats(int idx) {
    VqSlot slot = slot(idx);
    int ctrl = ctrlIndex >= 0 ? ctrlIndex : 2 * spec.maxVqp();
    QueueStats.Kind kind = idx == ctrl ? QueueStats.Kind.CVQ : idx % 2 == 0 ? QueueStats.Kind.RX : QueueStats.Kind.TX;
    return slot.stats.snapshot(kind);
  }

  // ---------------------------------------------------------------- DMA

  @Override
  public void dmaMap(long iova, ByteBuffer memory, int perm) {
    Permission p = switch (perm) {
      case DMA_READ -> Permission.READ_ONLY;
      case DMA_WRITE -> Permission.WRITE_ONLY;
      case DMA_READ_WRITE -> Permission.READ_WRITE;
      default -> throw new IllegalArgumentException("device " + name() + ": dma permission " + perm
          + " is not DMA_READ (1), DMA_WRITE (2) or DMA_READ_WRITE (3)");
    };
    long size = memory.remaining();
    if (!iovaRange().contains(iova, size)) {
      throw new IllegalArgumentException("device " + name() + ": dma map of " + size + " bytes at 0x"
          + Long.toHexString(iova) + " leaves the iova range " + iovaRange());
    }
    MemoryRegion region = MemoryRegion.wrap(memory);
    synchronized (lock) {
      iotlb.map(iova, size, region, 0, p);
      mappings.put(iova, size);
    }
  }

  @Override
  public void dmaUnmap(long iova, long size) {
    synchronized (lock) {
      Long mapped = mappings.get(iova);
      if (mapped == null || mapped != size) {
        throw new IllegalArgumentException("device " + name() + ": no mapping of " + size + " bytes starts at 0x"
            + Long.toHexString(iova) + (mapped == null ? "" : " (the one there has " + mapped + " bytes)"));
      }
      iotlb.unmap(iova, size);
      mappings.remove(iova);
    }
  }

  // ---------------------------------------------------------------- worker and port callbacks

  @Override
  public void ringError(VqSlot slot) {
    status.needsReset();
    log.warn("device " + name() + ": vq " + slot.index + " stopped on a ring error: "
        + (slot.queue == null ? "?" : slot.queue.error().description()) + "; DEVICE_NEEDS_RESET set");
    configChanged();
  }

  @Override
  public void workerFailed(QueuePairWorker worker, Throwable error) {
    status.needsReset();
    log.warn("device " + name() + ": worker " + worker.thread().getName() + " failed: " + error
        + "; DEVICE_NEEDS_RESET set");
    configChanged();
  }

  @Override
  public int receivingPair(int peerPair) {
    final QueuePairWorker[] ws = workers;
    final int p = peerPair % activePairs;
    return p < ws.length && ws[p] != null && ws[p].rxQueue() != null ? p : -1;
  }

  @Override
  public void wake(int pair) {
    final QueuePairWorker[] ws = workers;
    if (pair < ws.length && ws[pair] != null) {
      ws[pair].kick();
    }
  }

  @Override
  public int maxPairs() {
    return spec.maxVqp();
  }

  @Override
  public int maxFrame() {
    return spec.maxFrame();
  }

  @Override
  public boolean setMac(long mac) {
    if ((mac & 0x0100_0000_0000L) != 0 || mac == 0) {
      return false;
    }
    filter.setMac(mac);
    config.setMac(mac);
    return true;
  }

  @Override
  public boolean setActivePairs(int pairs) {
    final int max = has(status.driverFeatures(), VirtioNet.F_MQ) ? spec.maxVqp() : 1;
    if (pairs < 1 || pairs > max) {
      return false;
    }
    activePairs = pairs;
    return true;
  }

  /**
   * The queue pairs the driver set with VQ_PAIRS_SET.
   *
   * @return 1 until it did
   */
  int activePairs() {
    return activePairs;
  }

  /**
   * The receive filter (tests and diagnostics).
   *
   * @return the filter
   */
  RxFilter filter() {
    return filter;
  }

  @Override
  public String toString() {
    return "SimNetDevice[" + name() + ", status " + VirtioStatus.format(status()) + ", " + port.wire().describe(port) + "]";
  }
}
