package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.FeatureCheck;
import net.vdpa.device.core.QueueWorker;
import net.vdpa.device.core.VirtioDevice;
import net.vdpa.device.core.VqSlot;
import net.vdpa.device.core.Workers;
import net.vdpa.device.core.net.ControlQueue;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;
import net.vdpa.device.core.net.NetConfigSpace;
import net.vdpa.device.core.net.QueueStats;
import net.vdpa.device.core.net.RssConfig;
import net.vdpa.device.core.net.RxFilter;
import net.vdpa.device.core.net.RxQueue;
import net.vdpa.device.core.net.RxHash;
import net.vdpa.device.core.net.RxSteering;

/**
 * The virtio-net device a vDPA user creates on a VF or an SF: what a function adds to the device
 * core — the virtio-net config layout, its feature rules, one {@link FunctionWorker} per queue pair,
 * the receive filter, and the function's port on the embedded switch. What it transmits goes to the
 * switch; what the switch sends it arrives in one inbox per queue pair.
 *
 * <p>Threads: as {@link VirtioDevice}; the switch and the inboxes are reached by workers without a lock.
 */
final class FunctionDevice extends VirtioDevice<QueueStats> implements SwitchPort.Receiver, ControlQueue.Target {
  /** The largest queue size offered. */
  static final int VQ_NUM_MAX = 1024;
  /** Prefix of every worker thread name, followed by the device name and {@code -qp<N>}. */
  static final String THREAD_PREFIX = "smartnic-";
  private static final long NEEDS_CTRL_VQ = VirtioNet.bit(VirtioNet.F_CTRL_RX)
      | VirtioNet.bit(VirtioNet.F_CTRL_MAC_ADDR) | VirtioNet.bit(VirtioNet.F_MQ) | VirtioNet.bit(VirtioNet.F_RSS)
      | VirtioNet.bit(VirtioNet.F_HASH_REPORT);
  private static final FeatureCheck RULES = f -> (f & NEEDS_CTRL_VQ) != 0 && (f & VirtioNet.bit(VirtioNet.F_CTRL_VQ)) == 0
      ? VirtioNet.featureNames(f & NEEDS_CTRL_VQ) + " need CTRL_VQ" : null;

  private final FunctionSpec spec;
  private final NetConfigSpace config;
  private final RxFilter filter;
  private final ESwitch eswitch;
  private final SwitchPort port;
  private final FrameQueue[] inboxes;
  private final RxSteering steering = new RxSteering();
  private volatile int ctrlIndex = -1;
  /** The function's hw_addr when the device was created, 0 if none was set. */
  private final long adminMac;

  /**
   * A device in the reset state on a function's switch port (not yet attached to it).
   *
   * @param spec what the device is
   * @param eswitch the adapter's switch
   * @param port the function's port
   * @param adminMac the function's hw_addr, 0 if none was set (an untrusted function keeps it)
   * @param log where its log lines go
   */
  FunctionDevice(FunctionSpec spec, ESwitch eswitch, SwitchPort port, long adminMac, EventLog log) {
    this(spec, new NetConfigSpace(spec.mac(), spec.maxVqp(), spec.mtu(), hashes(spec.features())), eswitch, port, adminMac, log);
  }

  private FunctionDevice(FunctionSpec spec, NetConfigSpace config, ESwitch eswitch, SwitchPort port, long adminMac,
      EventLog log) {
    super(spec.name(), ID_NET, spec.features(), spec.vqCount(), VQ_NUM_MAX, config.space(), RULES,
        VirtioNet::featureNames, i -> new QueueStats(), log::warn);
    this.spec = spec;
    this.config = config;
    this.filter = new RxFilter(spec.mac().value());
    this.eswitch = eswitch;
    this.port = port;
    this.adminMac = adminMac;
    int slot = spec.maxFrame();
    int capacity = Math.max(16, Math.min(256, Integer.highestOneBit((1 << 20) / slot)));
    this.inboxes = new FrameQueue[spec.maxVqp()];
    for (int i = 0; i < inboxes.length; i++) {
      inboxes[i] = new FrameQueue(capacity, slot);
    }
  }

  FunctionSpec spec() {
    return spec;
  }

  SwitchPort port() {
    return port;
  }

  FrameQueue inbox(int pair) {
    return inboxes[pair];
  }

  /** RSS and HASH_REPORT both need the config space's hash fields (supported_hash_types). */
  private static boolean hashes(long features) {
    return has(features, VirtioNet.F_RSS) || has(features, VirtioNet.F_HASH_REPORT);
  }

  private static boolean has(long features, int bit) {
    return (features & VirtioNet.bit(bit)) != 0;
  }

  private int pairs(long features) {
    return has(features, VirtioNet.F_MQ) ? spec.maxVqp() : 1;
  }

  @Override
  protected boolean serves(int index, long features) {
    int pairs = pairs(features);
    return index < 2 * pairs || (has(features, VirtioNet.F_CTRL_VQ) && index == 2 * pairs);
  }

  @Override
  protected Workers startWorkers(long f, boolean paused) {
    final int pairs = pairs(f);
    final int ctrl = has(f, VirtioNet.F_CTRL_VQ) ? 2 * pairs : -1;
    ctrlIndex = ctrl;
    steering.reset();
    QueueWorker[] byQueue = new QueueWorker[vqCount()];
    List<QueueWorker> all = new ArrayList<>(pairs);
    for (int p = 0; p < pairs; p++) {
      VqSlot<QueueStats> rx = live(VirtioNet.rxq(p));
      VqSlot<QueueStats> tx = live(VirtioNet.txq(p));
      VqSlot<QueueStats> cs = p == 0 && ctrl >= 0 ? live(ctrl) : null;
      ControlQueue cq = cs != null ? new ControlQueue(cs, filter, this, f) : null;
      if (rx != null || tx != null || cq != null) {
        FunctionWorker w = new FunctionWorker(THREAD_PREFIX + name() + "-qp" + p, p, this, filter, rx, tx, cq,
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

  /** Plugs the device into its function's port: frames for its address come to it. */
  void plug() {
    port.attach(this);
    eswitch.station(port, 0, filter.mac());
  }

  /** Unplugs it: its address is forgotten, frames for it are flooded. */
  void unplug() {
    port.attach(null);
    eswitch.station(port, filter.mac(), 0);
  }

  @Override
  protected void onReset() {
    long before = filter.mac();
    filter.reset();
    if (before != filter.mac() && port.receiver() == this) {
      eswitch.station(port, before, filter.mac());
    }
    if (config.mac().value() != spec.mac().value()) {
      config.setMac(spec.mac().value());
    }
    steering.reset();
    ctrlIndex = -1;
    for (FrameQueue in : inboxes) {
      in.drain();
    }
  }

  @Override
  protected int heldBack(int index, boolean packed) {
    RxQueue rx = index % 2 == 0 && index != ctrlIndex ? rxOf(index / 2) : null;
    if (rx == null) {
      return 0;
    }
    return packed ? rx.heldDescriptors() : rx.heldChains();
  }

  private FunctionWorker worker(int pair) {
    return (FunctionWorker) workerOf(VirtioNet.rxq(pair));
  }

  private RxQueue rxOf(int pair) {
    FunctionWorker w = worker(pair);
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
   * Sets the link bit in the config space and tells the driver if it changed.
   *
   * @param up the new state
   */
  void setLink(boolean up) {
    if (config.setLink(up)) {
      configChanged();
    }
  }

  /**
   * A frame the device transmits goes into the switch (worker thread; no allocation).
   *
   * @return ports it went out of, 0 if dropped, {@link SwitchPort#FULL} to hold it and try again
   */
  int transmit(int pair, Frame frame) {
    return port.linkUp() ? eswitch.forward(port, pair, frame) : 0;
  }

  /** A receiving worker made room in a full inbox: the switch's senders may go on. */
  void drained() {
    eswitch.wakeSenders();
  }

  @Override
  public int accept(int senderPair, Frame frame, int tag) {
    final int p = steering.pairFor(senderPair, frame);
    final FunctionWorker w = worker(p);
    final FrameQueue in = inboxes[p];
    if (w == null || w.rxQueue() == null || frame.length() > in.slotSize()) {
      return SwitchPort.DROPPED;
    }
    if (!in.offer(frame, tag)) {
      // tell the consumer a sender waits, then look again: a slot freed between the failed offer
      // and the mark would otherwise wake nobody (the consumer reads the mark after freeing)
      in.markBlocked();
      if (!in.offer(frame, tag)) {
        w.kick();
        return SwitchPort.FULL;
      }
    }
    w.kick();
    return SwitchPort.TAKEN;
  }

  @Override
  public void wakeSenders() {
    for (QueueWorker w : workers()) {
      w.kick();
    }
  }

  @Override
  public boolean setMac(long mac) {
    if ((mac & 0x0100_0000_0000L) != 0 || mac == 0) {
      return false;
    }
    if (!port.trusted() && adminMac != 0 && mac != adminMac) {
      // an untrusted function keeps the address its administrator set (ip link ... vf N trust off)
      return false;
    }
    long before = filter.mac();
    filter.setMac(mac);
    config.setMac(mac);
    if (port.receiver() == this) {
      eswitch.station(port, before, mac);
    }
    return true;
  }

  @Override
  public boolean setActivePairs(int pairs) {
    return steering.setActivePairs(pairs, has(driverFeatures(), VirtioNet.F_MQ) ? spec.maxVqp() : 1);
  }

  @Override
  public int maxPairs() {
    return spec.maxVqp();
  }

  @Override
  public boolean setRss(RssConfig rss) {
    if (!has(driverFeatures(), VirtioNet.F_RSS)) {
      return false;
    }
    steering.setRss(rss);
    return true;
  }

  @Override
  public boolean setHashConfig(RxHash hash) {
    if (!has(driverFeatures(), VirtioNet.F_HASH_REPORT)) {
      return false;
    }
    steering.setHashConfig(hash);
    return true;
  }

  /**
   * What the device's queues carried since its last reset, summed over its queue pairs.
   *
   * @return rx and tx frames, bytes and drops (rx drops: filter, overruns; tx drops: not carried)
   */
  net.vdpa.api.port.PortCounters counters() {
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
    return new net.vdpa.api.port.PortCounters(rxFrames, rxBytes, rxDrops, txFrames, txBytes, txDrops);
  }

  @Override
  public String toString() {
    return "FunctionDevice[" + name() + " on " + spec.mgmtdev() + ", status " + VirtioStatus.format(status()) + "]";
  }
}
