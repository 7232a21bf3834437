package net.vdpa.driver.virtionet;

import java.util.function.Consumer;
import static net.vdpa.api.VirtioStatus.ACKNOWLEDGE;
import static net.vdpa.api.VirtioStatus.DRIVER;
import static net.vdpa.api.VirtioStatus.DRIVER_OK;
import static net.vdpa.api.VirtioStatus.FAILED;
import static net.vdpa.api.VirtioStatus.FEATURES_OK;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.FrameReceiver;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetStats;
import net.vdpa.api.net.VirtioNet;

/**
 * One network interface on one device: the virtio driver initialisation sequence, the queue pairs,
 * and the {@link NetInterface} users send and receive through. Built by {@link #start}; torn down
 * by {@link #stop}, after which every call reports the interface down and nothing touches the
 * device.
 */
final class VirtioNetInterface implements NetInterface {
  /** How long probe waits for a control command's answer. */
  static final long CONTROL_TIMEOUT_MS = 2000;

  private final String name;
  private final VdpaDevice device;
  private final Negotiation negotiation;
  private final DmaMemory memory;
  private final TxQueue[] tx;
  private final RxQueue[] rx;
  private final ControlQueue control;
  private final int pairs;
  private final int mtu;
  private final boolean hasStatus;
  private volatile MacAddress mac;
  private volatile boolean linkUp;
  private volatile boolean stopped;

  private VirtioNetInterface(String name, VdpaDevice device, Negotiation n, DmaMemory memory, TxQueue[] tx,
      RxQueue[] rx, ControlQueue control, MacAddress mac, int mtu) {
    this.name = name;
    this.device = device;
    this.negotiation = n;
    this.memory = memory;
    this.tx = tx;
    this.rx = rx;
    this.control = control;
    this.pairs = tx.length;
    this.mac = mac;
    this.mtu = mtu;
    this.hasStatus = n.has(VirtioNet.F_STATUS);
    this.linkUp = true;
  }

  /**
   * Initialises the device and its queues (virtio 1.x 3.1.1) and returns the running interface.
   *
   * @throws IllegalStateException naming the reason if the device cannot be driven; the device's
   *     status then carries FAILED
   */
  static VirtioNetInterface start(String name, VdpaDevice device, Negotiation.RingChoice ring, int queueSize,
      Consumer<String> warn) {
    try {
      return init(name, device, ring, queueSize, warn);
    } catch (RuntimeException e) {
      try {
        device.setStatus(device.status() | FAILED);
      } catch (RuntimeException ignored) {
        // the device may refuse even that; the bus resets it next
      }
      throw e;
    }
  }

  private static VirtioNetInterface init(String name, VdpaDevice device, Negotiation.RingChoice ring, int queueSize,
      Consumer<String> warn) {
    if (device.deviceId() != VdpaDevice.ID_NET) {
      throw new IllegalStateException("device " + device.name() + " is not a network device (id " + device.deviceId() + ")");
    }
    device.reset();
    device.setStatus(ACKNOWLEDGE);
    device.setStatus(ACKNOWLEDGE | DRIVER);
    Negotiation n = Negotiation.of(device.deviceFeatures(), ring);
    device.setDriverFeatures(n.features());
    device.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    if ((device.status() & FEATURES_OK) == 0) {
      throw new IllegalStateException("device " + device.name() + " did not accept features 0x" + Long.toHexString(n.features()));
    }
    boolean hashing = n.rss() || n.hashReport();
    if (hashing && device.configSize() < VirtioNet.CFG_SIZE_RSS) {
      throw new IllegalStateException("device " + device.name() + " offers RSS or HASH_REPORT with a config space of "
          + device.configSize() + " bytes, short of supported_hash_types (" + VirtioNet.CFG_SIZE_RSS + ")");
    }
    int cfgSize = hashing ? VirtioNet.CFG_SIZE_RSS : VirtioNet.CFG_SIZE;
    ByteBuffer cfg = ByteBuffer.allocate(cfgSize).order(ByteOrder.LITTLE_ENDIAN);
    device.getConfig(0, cfg.duplicate().limit(Math.min(cfgSize, device.configSize())));
    MacAddress mac = n.has(VirtioNet.F_MAC) ? MacAddress.of(bytes(cfg, VirtioNet.CFG_MAC, 6)) : localMac(device.name());
    int mtu = n.has(VirtioNet.F_MTU) ? Short.toUnsignedInt(cfg.getShort(VirtioNet.CFG_MTU)) : 1500;
    int maxPairs = n.multiqueue() ? Math.max(1, Short.toUnsignedInt(cfg.getShort(VirtioNet.CFG_MAX_VQ_PAIRS))) : 1;
    int pairs = Math.min(maxPairs, (device.vqCount() - (n.controlQueue() ? 1 : 0)) / 2);
    if (pairs < 1) {
      throw new IllegalStateException("device " + device.name() + " has " + device.vqCount() + " queues, fewer than one pair");
    }
    int size = queueSize(queueSize, device);
    int maxFrame = mtu + VirtioNet.ETH_HLEN;
    long bytes = 4096;
    for (int p = 0; p < pairs; p++) {
      bytes += 2 * DriverRing.footprint(size, n.packed()) + TxQueue.footprint(size, n.hdrLen(), maxFrame)
          + RxQueue.footprint(size, n.mergeable(), n.hdrLen(), maxFrame);
    }
    if (n.controlQueue()) {
      bytes += DriverRing.footprint(size, n.packed()) + ControlQueue.footprint();
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("device " + device.name() + " needs " + bytes + " bytes of driver memory, over 2 GiB");
    }
    DmaMemory memory = new DmaMemory((int) bytes);
    long ringFeatures = n.features();
    TxQueue[] tx = new TxQueue[pairs];
    RxQueue[] rx = new RxQueue[pairs];
    DriverRing[] rings = new DriverRing[2 * pairs + 1];
    for (int p = 0; p < pairs; p++) {
      rings[2 * p] = DriverRing.create(memory, VirtioNet.rxq(p), size, n.packed(), ringFeatures);
      rings[2 * p + 1] = DriverRing.create(memory, VirtioNet.txq(p), size, n.packed(), ringFeatures);
      rx[p] = new RxQueue(name, p, rings[2 * p], memory, device, n.mergeable(), n.hdrLen(), maxFrame, warn);
      tx[p] = new TxQueue(rings[2 * p + 1], memory, device, n.hdrLen(), maxFrame);
    }
    ControlQueue control = null;
    if (n.controlQueue()) {
      int ctrlIndex = 2 * maxPairs;
      rings[2 * pairs] = DriverRing.create(memory, ctrlIndex, Math.min(size, 64), n.packed(), ringFeatures);
      control = new ControlQueue(rings[2 * pairs], memory, device);
    }
    memory.mapInto(device);
    VirtioNetInterface iface = new VirtioNetInterface(name, device, n, memory, tx, rx, control, mac, mtu);
    for (DriverRing r : rings) {
      if (r == null) {
        continue;
      }
      r.setUp(device);
      int pair = r.index / 2;
      boolean isRx = r.index % 2 == 0 && pair < pairs && rings[2 * pair] == r;
      device.setVqCallback(r.index, isRx ? idx -> iface.rx[pair].onUsed() : null);
      device.setVqReady(r.index, true);
    }
    if (iface.hasStatus) {
      device.setConfigCallback(iface::configChanged);
    }
    device.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    for (RxQueue q : rx) {
      q.fill();
    }
    if (n.multiqueue() && control != null) {
      byte[] p = {(byte) pairs, (byte) (pairs >> 8)};
      control.command(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_VQ_PAIRS_SET, p, CONTROL_TIMEOUT_MS);
    }
    if (n.rss() && control != null && (pairs > 1 || n.hashReport())) {
      // received frames spread over the pairs by flow, not by the sender's pair; with HASH_REPORT
      // this is also what the device hashes for the header, so it is sent for one pair too
      control.command(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_RSS_CONFIG, RssSetup.of(cfg, pairs).command(),
          CONTROL_TIMEOUT_MS);
    } else if (n.hashReport() && control != null) {
      // hash reports without RSS: the device hashes but does not steer (as Linux does)
      control.command(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_HASH_CONFIG, RssSetup.hashCommand(cfg),
          CONTROL_TIMEOUT_MS);
    }
    iface.configChanged();
    return iface;
  }

  private static int queueSize(int wanted, VdpaDevice device) {
    int max = Math.max(device.vqNumMin(), Math.min(wanted, device.vqNumMax()));
    return Integer.highestOneBit(max);
  }

  private static byte[] bytes(ByteBuffer b, int off, int len) {
    byte[] out = new byte[len];
    b.get(off, out);
    return out;
  }

  /** A locally administered MAC for devices that do not offer one. */
  private static MacAddress localMac(String seed) {
    long h = seed.hashCode() & 0xffff_ffffL;
    return new MacAddress(0x02_00_00_00_00_00L | h);
  }

  /** Re-reads link state (and MAC) from the config space. */
  void configChanged() {
    if (stopped) {
      return;
    }
    ByteBuffer cfg = ByteBuffer.allocate(VirtioNet.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    try {
      device.getConfig(0, cfg.duplicate().limit(Math.min(VirtioNet.CFG_SIZE, device.configSize())));
    } catch (RuntimeException e) {
      return;
    }
    if (hasStatus) {
      linkUp = (cfg.getShort(VirtioNet.CFG_STATUS) & VirtioNet.S_LINK_UP) != 0;
    }
  }

  /** Stops traffic, lets go of the device's queues and memory. The caller unpublished the service. */
  void stop() {
    stopped = true;
    for (TxQueue q : tx) {
      q.shutDown();
    }
    for (RxQueue q : rx) {
      q.shutDown();
    }
    try {
      // With the datapath suspended every frame is in a known place: never taken from a transmit
      // ring, or delivered to a receive ring. Count both as drops, so sent = received + dropped.
      if (device.supportsSuspend()) {
        device.suspend();
        for (RxQueue q : rx) {
          q.discardDelivered();
        }
        for (TxQueue q : tx) {
          q.discardInFlight();
        }
      }
      device.reset();
    } finally {
      try {
        memory.unmapFrom(device);
      } catch (RuntimeException e) {
        // a reset device may have forgotten the mapping already
      }
    }
  }

  Negotiation negotiation() {
    return negotiation;
  }

  /** Frames sent and not yet given back by the device, over all pairs. */
  int txInFlight() {
    int n = 0;
    for (TxQueue q : tx) {
      n += q.inFlight();
    }
    return n;
  }

  // ------------------------------------------------------------- NetInterface

  @Override
  public String name() {
    return name;
  }

  @Override
  public String device() {
    return device.name();
  }

  @Override
  public MacAddress mac() {
    return mac;
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public boolean linkUp() {
    return linkUp && !stopped;
  }

  @Override
  public int queuePairs() {
    return pairs;
  }

  @Override
  public SendResult send(ByteBuffer frame) {
    int pair = 0;
    if (pairs > 1 && frame.remaining() >= 12) {
      int p = frame.position();
      int h = frame.getInt(p) * 31 + frame.getShort(p + 4);
      h = h * 31 + frame.getInt(p + 6) * 17 + frame.getShort(p + 10);
      pair = ((h ^ (h >>> 16)) & 0x7fff_ffff) % pairs;
    }
    return sendOn(pair, frame);
  }

  @Override
  public SendResult send(int queuePair, ByteBuffer frame) {
    checkPair(queuePair);
    return sendOn(queuePair, frame);
  }

  @Override
  public int send(int queuePair, ByteBuffer[] frames, int offset, int count) {
    checkPair(queuePair);
    Objects.checkFromIndexSize(offset, count, frames.length);
    return linkUp ? tx[queuePair].send(frames, offset, count) : tx[queuePair].refuse(count);
  }

  private SendResult sendOn(int pair, ByteBuffer frame) {
    return linkUp ? tx[pair].send(frame) : tx[pair].refuse();
  }

  @Override
  public int receive(int queuePair, ByteBuffer dst) {
    checkPair(queuePair);
    return rx[queuePair].receive(dst);
  }

  @Override
  public int poll(int queuePair, FrameReceiver receiver, int budget) {
    checkPair(queuePair);
    Objects.requireNonNull(receiver, "receiver");
    return rx[queuePair].poll(receiver, budget);
  }

  @Override
  public void setReceiver(FrameReceiver receiver) {
    for (RxQueue q : rx) {
      q.setReceiver(receiver);
    }
  }

  @Override
  public SortedMap<HashReport, Long> hashReports(int queuePair) {
    checkPair(queuePair);
    if (!negotiation.hashReport()) {
      return Collections.emptySortedMap();
    }
    RxQueue r = rx[queuePair];
    SortedMap<HashReport, Long> counts = new TreeMap<>();
    synchronized (r) {
      for (int code = 0; code < r.byHashReport.length; code++) {
        if (r.byHashReport[code] != 0) {
          counts.put(HashReport.of(code), r.byHashReport[code]);
        }
      }
    }
    return Collections.unmodifiableSortedMap(counts);
  }

  @Override
  public NetStats stats() {
    NetStats s = NetStats.ZERO;
    for (int p = 0; p < pairs; p++) {
      s = s.plus(stats(p));
    }
    return s;
  }

  @Override
  public NetStats stats(int queuePair) {
    checkPair(queuePair);
    RxQueue r = rx[queuePair];
    TxQueue t = tx[queuePair];
    long rp;
    long rb;
    long rd;
    synchronized (r) {
      rp = r.packets;
      rb = r.bytes;
      rd = r.dropped;
    }
    // what the device lost beyond the driver counts at the interface too, as a NIC driver adds its
    // hardware's drop counters: frames its wire could not carry (link down, cable peer absent or
    // not receiving) are the sender's tx drops; frames that found no receive buffer are rx drops
    long deviceTxDrops = device.vendorVqStats(VirtioNet.txq(queuePair)).getOrDefault("tx_drops", 0L);
    long deviceRxMissed = device.vendorVqStats(VirtioNet.rxq(queuePair)).getOrDefault("rx_overruns", 0L);
    synchronized (t) {
      return new NetStats(rp, rb, rd + deviceRxMissed, t.packets, t.bytes, t.dropped + deviceTxDrops, t.errors);
    }
  }

  private void checkPair(int queuePair) {
    if (queuePair < 0 || queuePair >= pairs) {
      throw new IllegalArgumentException("queue pair " + queuePair + " does not exist on " + name + " (it has " + pairs + ")");
    }
  }

  @Override
  public String toString() {
    return name + " on " + device.name();
  }
}
