package net.vdpa.device.simnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.api.port.PortCounters;
import net.vdpa.device.core.FeatureCheck;
import net.vdpa.device.core.QueueWorker;
import net.vdpa.device.core.VirtioDevice;
import net.vdpa.device.core.VqSlot;
import net.vdpa.device.core.Workers;
import net.vdpa.device.core.net.ControlQueue;
import net.vdpa.device.core.net.FrameQueue;
import net.vdpa.device.core.net.NetConfigSpace;
import net.vdpa.device.core.net.QueueStats;
import net.vdpa.device.core.net.RxFilter;
import net.vdpa.device.core.net.RxQueue;

/**
 * A simulated virtio-net NIC: what only a NIC adds to the device core — its config layout (MAC,
 * link status, queue pairs, MTU), its feature rules (MQ, CTRL_RX and CTRL_MAC_ADDR need CTRL_VQ),
 * one {@link QueuePairWorker} per queue pair (the control queue on pair 0's), the receive filter,
 * the number of pairs the driver enabled, and its port.
 *
 * <p>Threads: as {@link VirtioDevice}; the port and the filter are read by workers without a lock.
 */
final class SimNetDevice extends VirtioDevice<QueueStats> implements Port.Owner, ControlQueue.Target {
  /** The largest queue size offered. */
  static final int VQ_NUM_MAX = 1024;
  /** Prefix of every worker thread name, followed by the device name and {@code -qp<N>}. */
  static final String THREAD_PREFIX = "simnet-";
  private static final long NEEDS_CTRL_VQ = VirtioNet.bit(VirtioNet.F_CTRL_RX)
      | VirtioNet.bit(VirtioNet.F_CTRL_MAC_ADDR) | VirtioNet.bit(VirtioNet.F_MQ);
  /** What a virtio-net device refuses at FEATURES_OK. */
  private static final FeatureCheck RULES = f -> (f & NEEDS_CTRL_VQ) != 0 && !has(f, VirtioNet.F_CTRL_VQ)
      ? VirtioNet.featureNames(f & NEEDS_CTRL_VQ) + " need CTRL_VQ" : null;

  private final NetSpec spec;
  private final NetConfigSpace config;
  private final RxFilter filter;
  private final Port port;
  private volatile int activePairs = 1;
  /** The control queue index once DRIVER_OK is set, else -1. */
  private volatile int ctrlIndex = -1;

  /**
   * Creates a device in the reset state, its port in loopback with the link up.
   *
   * @param spec what the device is
   * @param log where its log lines go
   */
  SimNetDevice(NetSpec spec, EventLog log) {
    this(spec, new NetConfigSpace(spec.mac(), spec.maxVqp(), spec.mtu()), log);
  }

  private SimNetDevice(NetSpec spec, NetConfigSpace config, EventLog log) {
    super(spec.name(), ID_NET, spec.features(), spec.vqCount(), VQ_NUM_MAX, config.space(), RULES,
        VirtioNet::featureNames, i -> new QueueStats(), log::warn);
    this.spec = spec;
    this.config = config;
    this.filter = new RxFilter(spec.mac().value());
    this.port = new Port(this);
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

  private static boolean has(long features, int bit) {
    return (features & VirtioNet.bit(bit)) != 0;
  }

  private static int pairs(NetSpec spec, long features) {
    return has(features, VirtioNet.F_MQ) ? spec.maxVqp() : 1;
  }

  @Override
  protected boolean serves(int index, long features) {
    int pairs = pairs(spec, features);
    return index < 2 * pairs || (has(features, VirtioNet.F_CTRL_VQ) && index == 2 * pairs);
  }

  @Override
  protected Workers startWorkers(long f, boolean paused) {
    final int pairs = pairs(spec, f);
    final int ctrl = has(f, VirtioNet.F_CTRL_VQ) ? 2 * pairs : -1;
    ctrlIndex = ctrl;
    activePairs = 1;
    QueueWorker[] byQueue = new QueueWorker[vqCount()];
    List<QueueWorker> all = new ArrayList<>(pairs);
    for (int p = 0; p < pairs; p++) {
      VqSlot<QueueStats> rx = live(VirtioNet.rxq(p));
      VqSlot<QueueStats> tx = live(VirtioNet.txq(p));
      VqSlot<QueueStats> cs = p == 0 && ctrl >= 0 ? live(ctrl) : null;
      ControlQueue cq = cs != null ? new ControlQueue(cs, filter, this, f) : null;
      if (rx != null || tx != null || cq != null) {
        QueuePairWorker w = new QueuePairWorker(THREAD_PREFIX + name() + "-qp" + p, p, port, filter, rx, tx, cq,
            has(f, VirtioNet.F_MRG_RXBUF), VirtioNet.hdrLen(f), spec.maxFrame(), paused);
        all.add(w);
        byQueue[VirtioNet.rxq(p)] = w;
        byQueue[VirtioNet.txq(p)] = w;
        if (cq != null) {
          byQueue[ctrl] = w;
        }
      }
    }
    return new Workers(all.toArray(new QueueWorker[0]), byQueue);
  }

  @Override
  protected void onReset() {
    filter.reset();
    if (config.mac().value() != spec.mac().value()) {
      config.setMac(spec.mac().value());
    }
    activePairs = 1;
    ctrlIndex = -1;
    for (int p = 0; p < spec.maxVqp(); p++) {
      FrameQueue in = port.inbox(p);
      if (in != null) {
        in.drain();
      }
    }
  }

  @Override
  protected int heldBack(int index, boolean packed) {
    // receive chains taken for a frame that did not fit are given back to the saved state
    RxQueue rx = index % 2 == 0 && index != ctrlIndex ? rxOf(index / 2) : null;
    if (rx == null) {
      return 0;
    }
    return packed ? rx.heldDescriptors() : rx.heldChains();
  }

  /** The worker of a queue pair (both of its queues map to it), or null. */
  private QueuePairWorker worker(int pair) {
    return (QueuePairWorker) workerOf(VirtioNet.rxq(pair));
  }

  private RxQueue rxOf(int pair) {
    QueuePairWorker w = worker(pair);
    return w != null ? w.rxQueue() : null;
  }

  @Override
  public Map<String, Long> vendorVqStats(int idx) {
    VqSlot<QueueStats> slot = slot(idx);
    int ctrl = ctrlIndex >= 0 ? ctrlIndex : 2 * spec.maxVqp();
    QueueStats.Kind kind = idx == ctrl ? QueueStats.Kind.CVQ : idx % 2 == 0 ? QueueStats.Kind.RX : QueueStats.Kind.TX;
    return slot.counters().snapshot(kind);
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

  // ---------------------------------------------------------------- port and control queue callbacks

  @Override
  public int receivingPair(int peerPair) {
    final int p = peerPair % activePairs;
    QueuePairWorker w = worker(p);
    return w != null && w.rxQueue() != null ? p : -1;
  }

  @Override
  public void wake(int pair) {
    QueuePairWorker w = worker(pair);
    if (w != null) {
      w.kick();
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
    final int max = has(driverFeatures(), VirtioNet.F_MQ) ? spec.maxVqp() : 1;
    if (pairs < 1 || pairs > max) {
      return false;
    }
    activePairs = pairs;
    return true;
  }

  /**
   * What the device's port carried since the last reset, summed over its queue pairs.
   *
   * @return the counters
   */
  PortCounters portCounters() {
    long rxFrames = 0;
    long rxBytes = 0;
    long rxDrops = 0;
    long txFrames = 0;
    long txBytes = 0;
    long txDrops = 0;
    for (int p = 0; p < spec.maxVqp(); p++) {
      QueueStats rx = slot(VirtioNet.rxq(p)).counters();
      QueueStats tx = slot(VirtioNet.txq(p)).counters();
      rxFrames += rx.get(QueueStats.RX_PACKETS);
      rxBytes += rx.get(QueueStats.RX_BYTES);
      rxDrops += rx.get(QueueStats.RX_DROPS) + rx.get(QueueStats.RX_OVERRUNS);
      txFrames += tx.get(QueueStats.TX_PACKETS);
      txBytes += tx.get(QueueStats.TX_BYTES);
      txDrops += tx.get(QueueStats.TX_DROPS);
    }
    return new PortCounters(rxFrames, rxBytes, rxDrops, txFrames, txBytes, txDrops);
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
