package net.vdpa.driver.vhost;

import java.util.Map;
import java.util.TreeMap;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.VirtioNet;

/**
 * Programs the device for a frontend, as a virtio driver does: reset, features, the frontend's
 * memory DMA-mapped at its guest-physical addresses, the ready rings at their translated addresses
 * and saved bases, the backend's control queue for a network device with MQ, DRIVER_OK; and stops it again, saving each
 * ring's base and adding its counters to the connection's. Guarded by the session's monitor.
 */
final class DeviceRunner {
  private static final long PROTOCOL_FEATURES = 1L << Message.F_PROTOCOL_FEATURES;
  private static final long ACCESS_PLATFORM = 1L << VirtioNet.F_ACCESS_PLATFORM;
  private static final long CTRL_VQ = 1L << VirtioNet.F_CTRL_VQ;

  /** Checks a ring's addresses against the memory table before the device gets them. */
  interface AddressCheck {
    void check(VringState r) throws ProtocolException;
  }

  private final VdpaDevice device;
  private final VhostKind kind;
  private final VringState[] rings;
  private final int pairs;
  private final EventLog log;
  private final String who;
  private final ConnectionCounters counters;
  private final Runnable onBrokenRing;
  private boolean running;

  /**
   * A runner for one connection.
   *
   * @param device the device
   * @param kind its class
   * @param rings the frontend's vrings
   * @param pairs the queue pairs (network) or request queues (block) the frontend may use
   * @param log where events go
   * @param who the frontend's name
   * @param counters the connection's totals, added to at each stop
   * @param onBrokenRing called on a device thread when a ring broke (the session shuts down)
   */
  DeviceRunner(VdpaDevice device, VhostKind kind, VringState[] rings, int pairs, EventLog log, String who, ConnectionCounters counters,
      Runnable onBrokenRing) {
    this.device = device;
    this.kind = kind;
    this.rings = rings;
    this.pairs = pairs;
    this.log = log;
    this.who = who;
    this.counters = counters;
    this.onBrokenRing = onBrokenRing;
  }

  boolean running() {
    return running;
  }

  /** The running device's counters of each started ring (not yet in the connection's totals). */
  Map<Integer, Map<String, Long>> liveStats() {
    Map<Integer, Map<String, Long>> live = new TreeMap<>();
    if (running) {
      for (VringState r : rings) {
        if (r.started) {
          live.put(r.index, device.vendorVqStats(r.index));
        }
      }
    }
    return live;
  }

  /** Stops the device if ring {@code r} runs on it. */
  void stopRing(VringState r, boolean packed) {
    if (r.started) {
      stop(packed);
    }
  }

  /** Saves each running ring's base and resets the device. */
  void stop(boolean packed) {
    if (!running) {
      return;
    }
    running = false;
    try {
      if (device.supportsSuspend()) {
        device.suspend();
      }
      for (VringState r : rings) {
        if (r.started) {
          r.save(device.getVqState(r.index), packed);
          counters.add(r.index, device.vendorVqStats(r.index));
        }
      }
    } catch (RuntimeException e) {
      log.warn("device " + device.name() + ": could not save ring state on stop: " + e.getMessage());
    } finally {
      for (VringState r : rings) {
        r.started = false;
      }
      device.reset();
    }
  }

  /**
   * Starts or restarts the device with the rings that are ready, or stops it if nothing should run.
   *
   * @param n what was negotiated
   * @param mem the frontend's memory, or null
   * @param check checks ring addresses against it
   * @throws ProtocolException if the device refuses the set-up
   */
  void reconcile(Negotiation n, MemoryTable mem, AddressCheck check) throws ProtocolException {
    boolean needEnable = n.needEnable();
    boolean any = false;
    boolean changed = false;
    for (VringState r : rings) {
      boolean ready = r.ready(needEnable);
      any |= ready;
      changed |= ready != r.started;
    }
    boolean want = n.owner && n.featuresSet && mem != null && any && n.statusAllowsStart();
    if (running && (!want || changed)) {
      stop(n.packed());
    }
    if (!running && want) {
      start(n, mem, check);
    }
  }

  private void start(Negotiation n, MemoryTable mem, AddressCheck check) throws ProtocolException {
    boolean needEnable = n.needEnable();
    boolean mq = kind.shadowControl(n.features);
    // a network device with MQ also gets the backend's own control queue (see ShadowControl)
    long f = (n.features & ~PROTOCOL_FEATURES) | (device.deviceFeatures() & ACCESS_PLATFORM) | (mq ? CTRL_VQ : 0);
    boolean packed = n.packed();
    try {
      device.reset();
      device.setConfigCallback(this::configChanged);
      device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
      device.setDriverFeatures(f);
      device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
      mem.mapInto(device);
      int enabledPairs = 0;
      for (VringState r : rings) {
        if (!r.ready(needEnable)) {
          continue;
        }
        check.check(r);
        long[] sizes = r.areaSizes(packed);
        device.setVqNum(r.index, r.num);
        device.setVqAddress(r.index, mem.uvaToGpa(r.descUva, sizes[0]), mem.uvaToGpa(r.availUva, sizes[1]),
            mem.uvaToGpa(r.usedUva, sizes[2]));
        device.setVqState(r.index, r.deviceState(packed));
        device.setVqCallback(r.index, r);
        device.setVqReadAhead(r.index, kind.readAhead(r.index));
        device.setVqReady(r.index, true);
        r.started = true;
        r.seenAvail = device.getVqState(r.index).lastAvailIdx();
        enabledPairs = Math.max(enabledPairs, r.index / 2 + 1);
      }
      ShadowControl control = mq ? ShadowControl.setUp(device, pairs, mem.gpaEnd(), packed, f) : null;
      device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK
          | VirtioStatus.DRIVER_OK);
      if (control != null) {
        control.setPairs(enabledPairs);
      }
      running = true;
      log.info("device " + device.name() + ": " + who + " started, features 0x" + Long.toHexString(f) + " ("
          + kind.featureNames(f) + "), " + (packed ? "packed" : "split") + " vrings " + describeStarted(packed)
          + (control == null ? "" : ", " + enabledPairs + " of " + pairs + " queue pairs"));
    } catch (IllegalArgumentException | IllegalStateException e) {
      for (VringState r : rings) {
        r.started = false;
      }
      device.reset();
      throw new ProtocolException("device " + device.name() + " refused the frontend's set-up: " + e.getMessage());
    }
  }

  private String describeStarted(boolean packed) {
    StringBuilder started = new StringBuilder();
    for (VringState r : rings) {
      if (r.started) {
        started.append(started.length() == 0 ? "" : ", ").append(r.index).append(" (base ")
            .append(packed ? "0x" + Integer.toHexString(r.base) : Integer.toString(r.base)).append(')');
      }
    }
    return started.toString();
  }

  /** Device thread: the device changed its config or status; a ring error ends the session. */
  private void configChanged() {
    if ((device.status() & VirtioStatus.DEVICE_NEEDS_RESET) != 0) {
      log.warn("device " + device.name() + ": " + who + " broke a ring (device needs reset); connection closed");
      // shut down only: the connection thread tears down, this device thread must not reset its own device
      onBrokenRing.run();
    }
  }
}
