package net.vdpa.bus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DriverDTO;
import net.vdpa.api.dto.MgmtDevDTO;

/**
 * The bus's decisions, free of OSGi: which driver holds which device, and the probe and remove
 * calls that make it so. The component feeds it services as they come and go; unit tests feed it
 * plain objects.
 *
 * <p><b>Threads.</b> Work for one device runs on that device's {@link Lane}, one task at a time.
 * The bus state (below) is guarded by {@link #lock}, which is never held while a driver or device
 * is called. Calls from the service registry ({@code deviceAdded}, {@code driverRemoved}, ...)
 * only queue lane work; the two that must not return early ({@link #deviceRemoved}: the driver's
 * remove runs before the device disappears; {@link #driverRemoved}: its devices are removed while
 * the driver still works) wait for that work with a bound.
 */
final class BusCore implements VdpaBus {

  /** Settings from configuration. */
  record Settings(long probeTimeoutMillis, long removeTimeoutMillis, boolean autoprobe, int threads) {
    Settings {
      if (probeTimeoutMillis < 1) {
        throw new IllegalArgumentException("probe timeout " + probeTimeoutMillis + " ms must be at least 1 ms");
      }
      if (removeTimeoutMillis < 1) {
        throw new IllegalArgumentException("remove timeout " + removeTimeoutMillis + " ms must be at least 1 ms");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("bus threads " + threads + " must be at least 1");
      }
    }
  }

  /**
   * A device leaving one driver for another without a user asking: logged as one line and posted
   * as {@link VdpaEvents#DEVICE_MOVED} when the other driver has it.
   *
   * @param from the driver it leaves
   * @param why why, for the log and the event
   */
  private record Move(String from, String why) {}

  private final Object lock = new Object();
  /** Guarded by lock: devices by name. */
  private final Map<String, DeviceEntry> devices = new HashMap<>();
  /** Copy-on-write, replaced under lock: the drivers present, in arrival order. */
  private volatile DriverEntry[] drivers = new DriverEntry[0];
  /** Guarded by lock: management devices by service id. */
  private final Map<Long, VdpaMgmtDevice> mgmtdevs = new HashMap<>();
  /** Guarded by lock: overrides for devices not on the bus yet, by device name. */
  private final Map<String, String> presets = new HashMap<>();
  /** Guarded by lock. */
  private boolean autoprobe;
  /** Guarded by lock. */
  private boolean closed;

  private volatile long probeTimeoutMillis;
  private volatile long removeTimeoutMillis;
  private final BusSink sink;
  private final LanePool pool;
  private final ScheduledExecutorService timer;
  private final ProbeWatchdog watchdog;

  BusCore(Settings settings, BusSink sink) {
    this.sink = sink;
    this.autoprobe = settings.autoprobe();
    this.probeTimeoutMillis = settings.probeTimeoutMillis();
    this.removeTimeoutMillis = settings.removeTimeoutMillis();
    this.pool = new LanePool("vdpa-bus", settings.threads());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vdpa-bus-watchdog");
      t.setDaemon(true);
      return t;
    });
    this.watchdog = new ProbeWatchdog(timer, settings.probeTimeoutMillis());
  }

  /** Applies new timeouts and the global autoprobe setting. */
  void update(Settings settings) {
    probeTimeoutMillis = settings.probeTimeoutMillis();
    removeTimeoutMillis = settings.removeTimeoutMillis();
    setAutoprobe(settings.autoprobe());
  }

  // ------------------------------------------------------------------ services coming and going

  /** A device given as an object (tests, and devices without a name property). */
  DeviceEntry deviceAdded(VdpaDevice device, long serviceId, long bundleId, String mgmtdev) {
    String name;
    try {
      name = device.name();
    } catch (RuntimeException e) {
      sink.warn("device service " + serviceId + " refused: name() threw " + describe(e));
      return null;
    }
    return deviceAdded(name, () -> device, serviceId, bundleId, mgmtdev);
  }

  /**
   * A device service appeared. Only its name is needed now: the device object is obtained on the
   * device's lane, off the registering thread (getting a service is not free in every framework,
   * and the thread registering thousands of devices should not pay for the bus).
   *
   * @return its entry, or null if it is refused (no name, duplicate name, bus closed)
   */
  DeviceEntry deviceAdded(String name, Supplier<VdpaDevice> resolver, long serviceId, long bundleId, String mgmtdev) {
    if (name == null || name.isEmpty()) {
      sink.warn("device service " + serviceId + " refused: it has no name");
      return null;
    }
    DeviceEntry e = new DeviceEntry(name, resolver, serviceId, bundleId, mgmtdev, new Lane(pool));
    synchronized (lock) {
      if (closed) {
        return null;
      }
      DeviceEntry other = devices.get(name);
      if (other != null) {
        sink.warn("device service " + serviceId + " refused: the name " + name + " is taken by service " + other.serviceId);
        return null;
      }
      devices.put(name, e);
      e.override = presets.get(name);
    }
    e.lane.submit(() -> {
      if (resolve(e)) {
        sink.post(VdpaEvents.DEVICE_ADDED, props(VdpaEvents.DEVICE, name));
        reconcile(e, false, null);
      }
    });
    return e;
  }

  /** Obtains the device object and its identity. Lane only; false if the device cannot be used. */
  private boolean resolve(DeviceEntry e) {
    synchronized (lock) {
      if (e.gone) {
        return false;
      }
    }
    try {
      VdpaDevice d = e.resolver.get();
      if (d == null) {
        setReason(e, "the device service could not be obtained");
        return false;
      }
      e.deviceId = d.deviceId();
      e.vendorId = d.vendorId();
      e.device = d;
      return true;
    } catch (RuntimeException ex) {
      setReason(e, "reading the device's identity threw " + describe(ex));
      sink.warn("device " + e.name + " cannot be used: reading its identity threw " + describe(ex));
      return false;
    }
  }

  /**
   * A device service is going away: its driver's remove runs first (this waits for it, at most the
   * probe and remove timeouts), then the device is forgotten.
   */
  void deviceRemoved(DeviceEntry e) {
    synchronized (lock) {
      e.gone = true;
      devices.remove(e.name, e);
      if (closed) {
        return; // close() has released every device already
      }
    }
    CompletableFuture<Void> released = new CompletableFuture<>();
    e.lane.submit(() -> {
      release(e, "device removed", false);
      released.complete(null);
    });
    if (!awaitQuietly(released, probeTimeoutMillis + removeTimeoutMillis)) {
      sink.warn("device " + e.name + " left while its driver was still busy with it (waited "
          + (probeTimeoutMillis + removeTimeoutMillis) + " ms)");
    }
    sink.post(VdpaEvents.DEVICE_REMOVED, props(VdpaEvents.DEVICE, e.name));
  }

  /** A driver service appeared: it is offered every idle device. */
  DriverEntry driverAdded(VdpaDriver driver, int ranking, long serviceId, long bundleId) {
    String name;
    try {
      name = driver.name();
    } catch (RuntimeException e) {
      sink.warn("driver service " + serviceId + " refused: name() threw " + describe(e));
      return null;
    }
    if (name == null || name.isEmpty()) {
      sink.warn("driver service " + serviceId + " refused: it has no name");
      return null;
    }
    DriverEntry d = new DriverEntry(driver, name, ranking, serviceId, bundleId);
    List<DeviceEntry> idle = new ArrayList<>();
    List<DeviceEntry> displaced = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return null;
      }
      DriverEntry[] now = Arrays.copyOf(drivers, drivers.length + 1);
      now[now.length - 1] = d;
      drivers = now;
      if (autoprobe) {
        for (DeviceEntry e : devices.values()) {
          if (e.state.equals(DeviceDTO.UNBOUND) && e.autoprobe && !e.held) {
            idle.add(e);
          } else if (e.state.equals(DeviceDTO.BOUND) && e.autoprobe && name.equals(e.displacedFrom)) {
            displaced.add(e);
          }
        }
      }
    }
    sink.post(VdpaEvents.DRIVER_ADDED, props(VdpaEvents.DRIVER, name));
    sink.info("driver " + name + " added (service " + serviceId + ", ranking " + ranking + ")");
    for (DeviceEntry e : idle) {
      e.lane.submit(() -> reconcile(e, false, null));
    }
    for (DeviceEntry e : displaced) {
      e.lane.submit(() -> homecoming(e, d));
    }
    return d;
  }

  /** A driver's {@code service.ranking} changed. */
  void driverModified(DriverEntry d, int ranking) {
    d.ranking = ranking;
  }

  /**
   * A driver service is going away: each of its devices gets {@code remove} and a reset (this
   * waits for those, at most the remove timeout), then is matched again in the background.
   */
  void driverRemoved(DriverEntry d) {
    List<DeviceEntry> held;
    synchronized (lock) {
      d.gone = true;
      if (closed) {
        return; // close() has released every device already
      }
      List<DriverEntry> rest = new ArrayList<>(Arrays.asList(drivers));
      rest.remove(d);
      drivers = rest.toArray(new DriverEntry[0]);
      held = new ArrayList<>(d.devices);
    }
    List<CompletableFuture<Void>> released = new ArrayList<>(held.size());
    String why = "driver " + d.name + " left";
    for (DeviceEntry e : held) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      released.add(f);
      e.lane.submit(() -> {
        try {
          synchronized (lock) {
            if (e.displacedFrom == null && e.driver == d) {
              e.displacedFrom = d.name; // where it belongs, should that driver come back
            }
          }
          release(e, why, true);
        } finally {
          f.complete(null);
        }
        reconcile(e, false, new Move(d.name, why));
      });
    }
    if (!awaitQuietly(CompletableFuture.allOf(released.toArray(new CompletableFuture<?>[0])), removeTimeoutMillis)) {
      sink.warn("driver " + d.name + " left before all its devices were removed (waited " + removeTimeoutMillis + " ms)");
    }
    sink.post(VdpaEvents.DRIVER_REMOVED, props(VdpaEvents.DRIVER, d.name));
    sink.info("driver " + d.name + " removed; " + held.size() + " device(s) released");
  }

  void mgmtdevAdded(long serviceId, VdpaMgmtDevice m) {
    synchronized (lock) {
      mgmtdevs.put(serviceId, m);
    }
  }

  void mgmtdevRemoved(long serviceId) {
    synchronized (lock) {
      mgmtdevs.remove(serviceId);
    }
  }

  /** Releases every device (driver remove, reset) and stops the bus threads. */
  void close() {
    List<DeviceEntry> bound = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      for (DeviceEntry e : devices.values()) {
        if (e.driver != null) {
          bound.add(e);
        }
      }
    }
    List<CompletableFuture<Void>> released = new ArrayList<>();
    for (DeviceEntry e : bound) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      released.add(f);
      e.lane.submit(() -> {
        release(e, "bus stopped", false);
        f.complete(null);
      });
    }
    awaitQuietly(CompletableFuture.allOf(released.toArray(new CompletableFuture<?>[0])), probeTimeoutMillis + removeTimeoutMillis);
    watchdog.close();
    timer.shutdownNow();
    pool.shutdown(1000);
  }

  // ------------------------------------------------------------------ lane work

  /**
   * Matches an idle device and probes candidates in order until one takes it. Lane only.
   *
   * @param explicit true for an explicit request (probe, override): ignores autoprobe
   * @param move set when the device just left a driver without a user asking, else null
   */
  private void reconcile(DeviceEntry e, boolean explicit, Move move) {
    String override;
    synchronized (lock) {
      if (e.gone || closed || e.device == null || !e.state.equals(DeviceDTO.UNBOUND)) {
        return;
      }
      if (!explicit) {
        if (e.held) {
          return;
        }
        if (!autoprobe || !e.autoprobe) {
          e.reason = autoprobe ? "autoprobe is off for this device" : "autoprobe is off for the bus";
          return;
        }
      }
      e.held = false;
      override = e.override;
    }
    probeCandidates(e, override, null, move);
  }

  /**
   * Scores the drivers present (or only {@code only}) and tries them best first. Lane only.
   *
   * @param override the device's override, or null
   * @param only the driver a bind names, or null
   * @param move set when the device just left a driver without a user asking, else null
   */
  private void probeCandidates(DeviceEntry e, String override, String only, Move move) {
    String bad = checkQueueLimits(e);
    if (bad != null) {
      setReason(e, bad);
      return;
    }
    String named = only != null ? only : override;
    List<Candidates.Scored> scored = score(e, only);
    List<Candidates.Scored> order = Candidates.rank(scored, named);
    if (order.isEmpty()) {
      String why = Candidates.whyNone(scored, named);
      synchronized (lock) {
        e.reason = named == null && e.displacedFrom != null
            ? "waiting for driver " + e.displacedFrom + " to come back; " + why : why;
      }
      return;
    }
    tryCandidates(e, order, 0, new StringBuilder(), Candidates.placement(named, only != null), move);
  }

  private String checkQueueLimits(DeviceEntry e) {
    try {
      int max = e.device.vqNumMax();
      int min = e.device.vqNumMin();
      if (max < min) {
        return "device's max queue size " + max + " is below its min " + min;
      }
      return null;
    } catch (RuntimeException ex) {
      return "reading the device's queue limits threw " + describe(ex);
    }
  }

  private List<Candidates.Scored> score(DeviceEntry e, String only) {
    DriverEntry[] ds = drivers;
    List<Candidates.Scored> scored = new ArrayList<>(ds.length);
    for (DriverEntry d : ds) {
      if (d.gone || (only != null && !only.equals(d.name))) {
        continue;
      }
      int s;
      String note = null;
      try {
        s = Math.max(0, d.driver.match(e.device));
      } catch (RuntimeException | LinkageError ex) {
        s = 0;
        note = "match threw " + describe(ex);
      }
      scored.add(new Candidates.Scored(d, s, note));
    }
    return scored;
  }

  /** Probes {@code order[i..]} until one takes the device. Lane only; may move to another thread. */
  private void tryCandidates(DeviceEntry e, List<Candidates.Scored> order, int from, StringBuilder failures,
      Placement how, Move move) {
    for (int i = from; i < order.size(); i++) {
      DriverEntry d = order.get(i).driver();
      synchronized (lock) {
        if (e.gone || closed) {
          return;
        }
        if (d.gone) {
          continue;
        }
        e.state = DeviceDTO.PROBING;
        e.driver = d;
      }
      int next = i + 1;
      long timeout = probeTimeoutMillis;
      ProbeWatchdog.Attempt attempt = watchdog.start(timeout, e.lane::detach,
          () -> probeTimedOut(e, d, timeout, order, next, failures, how, move));
      Throwable error = null;
      try {
        d.driver.probe(e.device);
      } catch (VirtualMachineError vme) {
        throw vme;
      } catch (Throwable t) {
        error = t;
      }
      if (!watchdog.end(attempt)) {
        lateReturn(e, d, error == null);
        return;
      }
      if (error == null) {
        boolean keep;
        synchronized (lock) {
          keep = !d.gone && !e.gone && !closed;
          if (keep) {
            e.state = DeviceDTO.BOUND;
            e.reason = null;
            e.placement = how;
            e.stay = null;
            e.stayReason = null;
            if (d.name.equals(e.displacedFrom)) {
              e.displacedFrom = null; // back where it belongs
            }
            d.devices.add(e);
          }
        }
        if (keep) {
          sink.post(VdpaEvents.DEVICE_BOUND, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name));
          if (move != null && !move.from().equals(d.name)) {
            sink.post(VdpaEvents.DEVICE_MOVED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name,
                VdpaEvents.FROM, move.from(), VdpaEvents.REASON, move.why()));
            sink.info("device " + e.name + " moved from driver " + move.from() + " to driver " + d.name + ": " + move.why());
          } else {
            sink.info("device " + e.name + " bound to driver " + d.name);
          }
          return;
        }
        // the driver or the device left while the probe ran: let go at once
        callRemove(d, e);
        resetDevice(e);
        failures.append("; ").append(d.name).append(": left during probe");
        setUnbound(e, "probe abandoned: " + failures.substring(2));
      } else {
        String why = describe(error);
        failures.append("; ").append(d.name).append(": ").append(why);
        resetDevice(e);
        setUnbound(e, "probe failed: " + failures.substring(2));
        sink.post(VdpaEvents.PROBE_FAILED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name, VdpaEvents.REASON, why));
        sink.warn("probe of device " + e.name + " by driver " + d.name + " failed: " + why);
      }
    }
  }

  /** Watchdog thread: a probe passed its deadline. Record it and go on with the next candidate. */
  private void probeTimedOut(DeviceEntry e, DriverEntry d, long timeout, List<Candidates.Scored> order, int next,
      StringBuilder failures, Placement how, Move move) {
    pool.lostThread();
    String why = "probe timed out after " + timeout + " ms";
    failures.append("; ").append(d.name).append(": ").append(why);
    setUnbound(e, "probe failed: " + failures.substring(2));
    sink.post(VdpaEvents.PROBE_FAILED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name, VdpaEvents.REASON, why));
    sink.warn("probe of device " + e.name + " by driver " + d.name + " " + why + "; trying the next driver");
    e.lane.resumeWith(() -> tryCandidates(e, order, next, failures, how, move));
  }

  /** The thread of a timed-out probe came back. If the probe succeeded, the driver must let go. */
  private void lateReturn(DeviceEntry e, DriverEntry d, boolean succeeded) {
    pool.regainedThread();
    if (!succeeded) {
      return;
    }
    e.lane.submit(() -> {
      callRemove(d, e);
      boolean idle;
      synchronized (lock) {
        idle = e.driver == null && !e.gone;
      }
      if (idle) {
        resetDevice(e);
      }
      sink.warn("driver " + d.name + " returned from a timed-out probe of device " + e.name + "; it was told to remove it");
    });
  }

  /**
   * Takes a bound device from its driver: remove, reset, unbound. Lane only.
   *
   * @param quiet true when a line at info level sums it up elsewhere (a move, a driver leaving)
   */
  private void release(DeviceEntry e, String why, boolean quiet) {
    DriverEntry d;
    synchronized (lock) {
      if (!e.state.equals(DeviceDTO.BOUND)) {
        return;
      }
      d = e.driver;
      e.state = DeviceDTO.REMOVING;
    }
    callRemove(d, e);
    resetDevice(e);
    synchronized (lock) {
      d.devices.remove(e);
      e.driver = null;
      e.state = DeviceDTO.UNBOUND;
      e.reason = why;
      e.placement = null;
      e.stay = null;
      e.stayReason = null;
    }
    sink.post(VdpaEvents.DEVICE_UNBOUND, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name, VdpaEvents.REASON, why));
    String line = "device " + e.name + " unbound from driver " + d.name + ": " + why;
    if (quiet) {
      sink.debug(line);
    } else {
      sink.info(line);
    }
  }

  /**
   * The driver {@code back} returned while the device, which had to leave it, is bound elsewhere:
   * take it back there unless a user placed it or holds it (see {@link Homecoming}). Lane only.
   */
  private void homecoming(DeviceEntry e, DriverEntry back) {
    DriverEntry holder;
    Placement placement;
    synchronized (lock) {
      if (e.gone || closed || back.gone || !e.state.equals(DeviceDTO.BOUND) || !back.name.equals(e.displacedFrom)) {
        return;
      }
      holder = e.driver;
      placement = e.placement;
    }
    Candidates.Scored mine = scoreOne(back, e);
    Candidates.Scored theirs = scoreOne(holder, e);
    boolean better = Candidates.autoprobes(mine) && Candidates.ORDER.compare(mine, theirs) < 0;
    Homecoming.Decision decision = Homecoming.decide(placement, holder.name, back.name, better, () -> busy(holder, e));
    if (decision instanceof Homecoming.GoBack) {
      String why = "driver " + back.name + " came back";
      release(e, why, true);
      reconcile(e, false, new Move(holder.name, why));
    } else if (decision instanceof Homecoming.Stays stays) {
      synchronized (lock) {
        e.stay = stays.stay();
        e.stayReason = stays.words();
      }
      sink.post(VdpaEvents.DEVICE_STAYS, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, holder.name,
          VdpaEvents.FROM, back.name, VdpaEvents.STAY, stays.stay().name(), VdpaEvents.REASON, stays.words()));
      sink.info("device " + e.name + " stays on driver " + holder.name + " although driver " + back.name
          + " is back: " + stays.words());
    } else {
      synchronized (lock) {
        e.displacedFrom = null; // the holder fits at least as well now: this is where it belongs
      }
    }
  }

  private Candidates.Scored scoreOne(DriverEntry d, DeviceEntry e) {
    try {
      return new Candidates.Scored(d, Math.max(0, d.driver.match(e.device)), null);
    } catch (RuntimeException | LinkageError ex) {
      return new Candidates.Scored(d, 0, "match threw " + describe(ex));
    }
  }

  /** Asks a driver whether a user holds the device open; a driver that throws is taken as busy. */
  private Optional<String> busy(DriverEntry d, DeviceEntry e) {
    try {
      Optional<String> why = d.driver.busy(e.device);
      return why == null ? Optional.empty() : why;
    } catch (RuntimeException | LinkageError ex) {
      sink.warn("driver " + d.name + " threw from busy(" + e.name + "): " + describe(ex));
      return Optional.of("busy() threw " + describe(ex));
    }
  }

  private void callRemove(DriverEntry d, DeviceEntry e) {
    try {
      d.driver.remove(e.device);
    } catch (VirtualMachineError vme) {
      throw vme;
    } catch (Throwable t) {
      sink.warn("driver " + d.name + " threw from remove of device " + e.name + ": " + describe(t));
    }
  }

  private void resetDevice(DeviceEntry e) {
    VdpaDevice d = e.device;
    if (d == null) {
      return;
    }
    try {
      d.reset();
    } catch (RuntimeException ex) {
      sink.warn("reset of device " + e.name + " threw " + describe(ex));
    }
  }

  private void setUnbound(DeviceEntry e, String why) {
    synchronized (lock) {
      e.state = DeviceDTO.UNBOUND;
      e.driver = null;
      e.reason = why;
    }
  }

  private void setReason(DeviceEntry e, String why) {
    synchronized (lock) {
      e.reason = why;
    }
  }

  // ------------------------------------------------------------------ VdpaBus operations

  @Override
  public DeviceDTO bind(String device, String driver) {
    DeviceEntry e;
    synchronized (lock) {
      e = existing(device);
      if (e.driver != null) {
        throw new IllegalStateException("device " + device + " is already bound to driver " + e.driver.name);
      }
      if (e.override != null && !e.override.equals(driver)) {
        throw new IllegalStateException("device " + device + " has driver override '" + e.override
            + "'; clear it (override " + device + " none) or bind to " + e.override);
      }
    }
    if (driverNamed(driver) == null) {
      throw new IllegalArgumentException("no driver '" + driver + "' on the bus (drivers: " + driverNames() + ")");
    }
    runOnLane(e, () -> {
      synchronized (lock) {
        if (e.gone || e.device == null || !e.state.equals(DeviceDTO.UNBOUND)) {
          return;
        }
        e.held = false;
      }
      probeCandidates(e, null, driver, null);
    });
    DeviceDTO dto = snapshot(e);
    if (DeviceDTO.BOUND.equals(dto.state) && driver.equals(dto.driver)) {
      return dto;
    }
    throw new IllegalStateException("binding device " + device + " to driver " + driver + " failed: " + dto.reason);
  }

  @Override
  public DeviceDTO unbind(String device) {
    DeviceEntry e;
    synchronized (lock) {
      e = existing(device);
      if (e.driver == null) {
        throw new IllegalStateException("device " + device + " is not bound (" + e.reason + ")");
      }
    }
    runOnLane(e, () -> {
      release(e, "unbound by request", false);
      synchronized (lock) {
        e.held = true;
        e.displacedFrom = null; // the user took it; it waits for the user
      }
    });
    return snapshot(e);
  }

  @Override
  public DeviceDTO probe(String device) {
    DeviceEntry e;
    synchronized (lock) {
      e = existing(device);
    }
    runOnLane(e, () -> reconcile(e, true, null));
    return snapshot(e);
  }

  @Override
  public DeviceDTO setDriverOverride(String device, String driver) {
    String override = driver == null || driver.isBlank() || driver.equals("none") ? null : driver.trim();
    DeviceEntry e;
    synchronized (lock) {
      e = existing(device);
      e.override = override;
      e.held = false;
    }
    sink.post(VdpaEvents.OVERRIDE_CHANGED, props(VdpaEvents.DEVICE, device, VdpaEvents.OVERRIDE, override == null ? "" : override));
    sink.info("device " + device + " driver override " + (override == null ? "cleared" : "set to " + override));
    runOnLane(e, () -> {
      String holder;
      synchronized (lock) {
        holder = e.state.equals(DeviceDTO.BOUND) ? e.driver.name : null;
      }
      if (holder != null && override != null && !holder.equals(override)) {
        release(e, "driver override changed to " + override, false);
      }
      reconcile(e, false, null);
    });
    return snapshot(e);
  }

  @Override
  public void presetDriverOverride(String device, String driver) {
    String override = driver == null || driver.isBlank() || driver.equals("none") ? null : driver.trim();
    synchronized (lock) {
      if (override == null) {
        presets.remove(device);
      } else {
        presets.put(device, override);
      }
    }
  }

  @Override
  public void setAutoprobe(boolean on) {
    List<DeviceEntry> idle = new ArrayList<>();
    boolean changed;
    synchronized (lock) {
      changed = autoprobe != on;
      autoprobe = on;
      for (DeviceEntry e : devices.values()) {
        if (e.state.equals(DeviceDTO.UNBOUND)) {
          if (on && e.autoprobe) {
            idle.add(e);
          } else if (!e.held) {
            // said now, not when a lane gets to it: a reader right after this call sees why it waits
            e.reason = on ? "autoprobe is off for this device" : "autoprobe is off for the bus";
          }
        }
      }
    }
    if (changed) {
      sink.post(VdpaEvents.AUTOPROBE_CHANGED, props(VdpaEvents.AUTOPROBE, on));
      sink.info("bus autoprobe " + (on ? "on" : "off"));
    }
    for (DeviceEntry e : idle) {
      e.lane.submit(() -> reconcile(e, false, null));
    }
  }

  @Override
  public boolean isAutoprobe() {
    synchronized (lock) {
      return autoprobe;
    }
  }

  @Override
  public DeviceDTO setAutoprobe(String device, boolean on) {
    DeviceEntry e;
    synchronized (lock) {
      e = existing(device);
      e.autoprobe = on;
      if (!on && e.state.equals(DeviceDTO.UNBOUND) && !e.held) {
        e.reason = "autoprobe is off for this device";
      }
    }
    sink.post(VdpaEvents.AUTOPROBE_CHANGED, props(VdpaEvents.DEVICE, device, VdpaEvents.AUTOPROBE, on));
    if (on) {
      runOnLane(e, () -> reconcile(e, false, null));
    } else {
      // a match already under way on the lane may end with its own reason: say why it waits after it
      e.lane.submit(() -> {
        synchronized (lock) {
          if (!e.autoprobe && e.state.equals(DeviceDTO.UNBOUND) && !e.held) {
            e.reason = "autoprobe is off for this device";
          }
        }
      });
    }
    return snapshot(e);
  }

  // ------------------------------------------------------------------ state as DTOs

  @Override
  public BusDTO state() {
    BusDTO b = new BusDTO();
    b.autoprobe = isAutoprobe();
    b.probeTimeoutMillis = probeTimeoutMillis;
    b.devices = devices().toArray(new DeviceDTO[0]);
    b.drivers = drivers().toArray(new DriverDTO[0]);
    b.mgmtDevices = mgmtDevices().toArray(new MgmtDevDTO[0]);
    return b;
  }

  @Override
  public List<DeviceDTO> devices() {
    List<DeviceEntry> all;
    synchronized (lock) {
      all = new ArrayList<>(new TreeMap<>(devices).values());
    }
    List<DeviceDTO> out = new ArrayList<>(all.size());
    for (DeviceEntry e : all) {
      out.add(snapshot(e));
    }
    return out;
  }

  @Override
  public Optional<DeviceDTO> device(String name) {
    DeviceEntry e;
    synchronized (lock) {
      e = devices.get(name);
    }
    return e == null ? Optional.empty() : Optional.of(snapshot(e));
  }

  @Override
  public List<DriverDTO> drivers() {
    List<DriverDTO> out = new ArrayList<>();
    synchronized (lock) {
      for (DriverEntry d : drivers) {
        DriverDTO dto = new DriverDTO();
        dto.name = d.name;
        dto.ranking = d.ranking;
        dto.serviceId = d.serviceId;
        dto.bundleId = d.bundleId;
        dto.devices = d.devices.stream().map(x -> x.name).sorted().toArray(String[]::new);
        out.add(dto);
      }
    }
    out.sort((a, b) -> a.name.equals(b.name) ? Long.compare(a.serviceId, b.serviceId) : a.name.compareTo(b.name));
    return out;
  }

  @Override
  public List<MgmtDevDTO> mgmtDevices() {
    List<Map.Entry<Long, VdpaMgmtDevice>> all;
    synchronized (lock) {
      all = new ArrayList<>(mgmtdevs.entrySet());
    }
    List<MgmtDevDTO> out = new ArrayList<>();
    for (Map.Entry<Long, VdpaMgmtDevice> me : all) {
      VdpaMgmtDevice m = me.getValue();
      try {
        MgmtDevDTO dto = new MgmtDevDTO();
        dto.serviceId = me.getKey();
        dto.handle = m.handle();
        dto.supportedClasses = m.supportedClasses().stream().sorted().toArray(String[]::new);
        dto.supportedFeatures = m.supportedFeatures();
        dto.maxSupportedVqs = m.maxSupportedVqs();
        dto.acceptedAttributes = m.acceptedAttributes().stream().map(a -> a.keyword()).toArray(String[]::new);
        dto.devices = m.devices().stream().sorted().toArray(String[]::new);
        out.add(dto);
      } catch (RuntimeException ex) {
        sink.warn("management device service " + me.getKey() + " threw while listed: " + describe(ex));
      }
    }
    out.sort((a, b) -> a.handle.compareTo(b.handle));
    return out;
  }

  private DeviceDTO snapshot(DeviceEntry e) {
    DeviceDTO dto = new DeviceDTO();
    synchronized (lock) {
      dto.name = e.name;
      dto.deviceId = e.deviceId;
      dto.vendorId = e.vendorId;
      dto.mgmtdev = e.mgmtdev;
      dto.state = e.state;
      dto.driver = e.driver == null ? null : e.driver.name;
      dto.reason = e.state.equals(DeviceDTO.UNBOUND) ? e.reason : null; // a probe or remove under way has no reason yet
      dto.driverOverride = e.override;
      dto.placement = e.state.equals(DeviceDTO.BOUND) ? e.placement : null;
      dto.displacedFrom = e.displacedFrom;
      dto.stay = e.stay;
      dto.stayReason = e.stayReason;
      dto.autoprobe = e.autoprobe;
      dto.serviceId = e.serviceId;
      dto.bundleId = e.bundleId;
    }
    VdpaDevice d = e.device;
    try {
      dto.status = d == null ? 0 : d.status();
    } catch (RuntimeException ex) {
      dto.status = -1;
    }
    return dto;
  }

  // ------------------------------------------------------------------ helpers

  /** Guarded by lock (caller holds it). */
  private DeviceEntry existing(String name) {
    DeviceEntry e = devices.get(name);
    if (e == null) {
      throw new IllegalArgumentException("no device '" + name + "' on the bus"
          + (devices.isEmpty() ? "" : " (devices: " + String.join(", ", new TreeMap<>(devices).keySet()) + ")"));
    }
    return e;
  }

  private DriverEntry driverNamed(String name) {
    for (DriverEntry d : drivers) {
      if (d.name.equals(name) && !d.gone) {
        return d;
      }
    }
    return null;
  }

  private String driverNames() {
    StringBuilder s = new StringBuilder();
    for (DriverEntry d : drivers) {
      s.append(s.length() == 0 ? "" : ", ").append(d.name);
    }
    return s.length() == 0 ? "none" : s.toString();
  }

  /** Runs an operation on the device's lane and waits for it, bounded by the timeouts. */
  private void runOnLane(DeviceEntry e, Runnable work) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    e.lane.submit(work);
    // A separate marker task, not a finally in the work: if a probe times out, the rest of the work
    // continues at the head of the lane on another thread, and the marker runs after it.
    e.lane.submit(() -> done.complete(null));
    long bound = probeTimeoutMillis * (drivers.length + 1L) + removeTimeoutMillis + 1000;
    if (!awaitQuietly(done, bound)) {
      throw new IllegalStateException("device " + e.name + " is still busy after " + bound
          + " ms (a driver call is slow); its state will show in the bus listing");
    }
  }

  private static boolean awaitQuietly(CompletableFuture<?> f, long millis) {
    try {
      f.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  static String describe(Throwable t) {
    String msg = t.getMessage();
    String type = t.getClass().getSimpleName();
    return msg == null || msg.isBlank() ? type : type + ": " + msg;
  }

  private static Map<String, Object> props(Object... kv) {
    Map<String, Object> m = new HashMap<>(kv.length);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
