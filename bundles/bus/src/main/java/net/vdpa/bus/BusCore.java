package net.vdpa.bus;

import static net.vdpa.bus.BusSink.props;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DeviceDTO.State;
import net.vdpa.api.dto.DriverDTO;
import net.vdpa.api.dto.MgmtDevDTO;

/**
 * The bus's decisions, free of OSGi: which driver holds which device, and the probe and remove
 * calls that make it so. The component feeds it services as they come and go; unit tests feed it
 * plain objects. This class is the {@link VdpaBus} operations and the wiring of the bus's parts:
 *
 * <ul>
 *   <li>{@link BusState}: the devices and drivers present and their bindings, under one lock;</li>
 *   <li>{@link Arrivals}: devices and drivers coming and going;</li>
 *   <li>{@link ProbeSequence}: matching a device and probing candidates, with the {@link
 *       ProbeWatchdog} taking over from probes that pass their deadline;</li>
 *   <li>{@link Handover}: taking a device from its driver, and giving it back to the driver it
 *       left ({@link Homecoming} decides);</li>
 *   <li>{@link Snapshots}: the state as DTOs.</li>
 * </ul>
 *
 * <p><b>Threads.</b> Work for one device runs on that device's {@link Lane}, one task at a time.
 * The bus state is guarded by {@link BusState#lock}, which is never held while a driver or device
 * is called. The operations below run their work on the device's lane and wait for it, bounded by
 * the timeouts, so that the DTO they return shows the outcome.
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

  private final BusState state;
  private final BusSink sink;
  private final LanePool pool;
  private final ScheduledExecutorService timer;
  private final ProbeWatchdog watchdog;
  private final ProbeSequence sequence;
  private final Handover handover;
  private final Arrivals arrivals;
  private final Snapshots snapshots;

  BusCore(Settings settings, BusSink sink) {
    this.sink = sink;
    this.state = new BusState(settings);
    this.pool = new LanePool("vdpa-bus", settings.threads());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vdpa-bus-watchdog");
      t.setDaemon(true);
      return t;
    });
    this.watchdog = new ProbeWatchdog(timer, settings.probeTimeoutMillis());
    DriverCalls calls = new DriverCalls(sink);
    this.sequence = new ProbeSequence(state, sink, calls, watchdog, pool);
    this.handover = new Handover(state, sink, calls, sequence);
    this.arrivals = new Arrivals(state, sink, pool, sequence, handover);
    this.snapshots = new Snapshots(state, sink);
  }

  /** Applies new timeouts and the global autoprobe setting. */
  void update(Settings settings) {
    state.probeTimeoutMillis = settings.probeTimeoutMillis();
    state.removeTimeoutMillis = settings.removeTimeoutMillis();
    setAutoprobe(settings.autoprobe());
  }

  // ------------------------------------------------------------------ services coming and going

  DeviceEntry deviceAdded(VdpaDevice device, long serviceId, long bundleId, String mgmtdev) {
    return arrivals.deviceAdded(device, serviceId, bundleId, mgmtdev);
  }

  DeviceEntry deviceAdded(String name, Supplier<VdpaDevice> resolver, long serviceId, long bundleId, String mgmtdev) {
    return arrivals.deviceAdded(name, resolver, serviceId, bundleId, mgmtdev);
  }

  void deviceRemoved(DeviceEntry e) {
    arrivals.deviceRemoved(e);
  }

  DriverEntry driverAdded(VdpaDriver driver, int ranking, long serviceId, long bundleId) {
    return arrivals.driverAdded(driver, ranking, serviceId, bundleId);
  }

  /** A driver's {@code service.ranking} changed. */
  void driverModified(DriverEntry d, int ranking) {
    d.ranking = ranking;
  }

  void driverRemoved(DriverEntry d) {
    arrivals.driverRemoved(d);
  }

  void mgmtdevAdded(long serviceId, VdpaMgmtDevice m) {
    state.mgmtdevAdded(serviceId, m);
  }

  void mgmtdevRemoved(long serviceId) {
    state.mgmtdevRemoved(serviceId);
  }

  /** Releases every device (driver remove, reset) and stops the bus threads. */
  void close() {
    arrivals.close();
    watchdog.close();
    timer.shutdownNow();
    pool.shutdown(1000);
  }

  // ------------------------------------------------------------------ VdpaBus operations

  @Override
  public DeviceDTO bind(String device, String driver) {
    DeviceEntry e;
    synchronized (state.lock) {
      e = state.existing(device);
      if (e.driver != null) {
        throw new IllegalStateException("device " + device + " is already bound to driver " + e.driver.name);
      }
      if (e.override != null && !e.override.equals(driver)) {
        throw new IllegalStateException("device " + device + " has driver override '" + e.override
            + "'; clear it (override " + device + " none) or bind to " + e.override);
      }
    }
    if (state.driverNamed(driver) == null) {
      throw new IllegalArgumentException("no driver '" + driver + "' on the bus (drivers: " + state.driverNames() + ")");
    }
    runOnLane(e, () -> {
      synchronized (state.lock) {
        if (e.gone || e.device == null || e.state != State.UNBOUND) {
          return;
        }
        e.held = false;
      }
      sequence.probeCandidates(e, null, driver, null);
    });
    DeviceDTO dto = snapshots.device(e);
    if (dto.state == State.BOUND && driver.equals(dto.driver)) {
      return dto;
    }
    String why;
    synchronized (state.lock) {
      why = e.reason; // the DTO hides it while another matching is queued (a driver arrived meanwhile)
    }
    throw new IllegalStateException("binding device " + device + " to driver " + driver + " failed: " + why);
  }

  @Override
  public DeviceDTO unbind(String device) {
    DeviceEntry e;
    synchronized (state.lock) {
      e = state.existing(device);
      if (e.driver == null) {
        throw new IllegalStateException("device " + device + " is not bound ("
            + (e.state == State.NEW ? "not matched yet" : e.reason) + ")");
      }
    }
    runOnLane(e, () -> {
      handover.release(e, "unbound by request", false);
      synchronized (state.lock) {
        e.held = true;
        e.displacedFrom = null; // the user took it; it waits for the user
      }
    });
    return snapshots.device(e);
  }

  @Override
  public DeviceDTO probe(String device) {
    DeviceEntry e;
    synchronized (state.lock) {
      e = state.existing(device);
    }
    runOnLane(e, () -> sequence.reconcile(e, true, null));
    return snapshots.device(e);
  }

  @Override
  public void rematch(String device) {
    Runnable matching = null;
    synchronized (state.lock) {
      DeviceEntry e = state.existing(device);
      if (e.state == State.UNBOUND && !e.held && state.autoprobe && e.autoprobe) {
        matching = sequence.queueMatch(e, () -> sequence.reconcile(e, false, null));
      }
    }
    if (matching != null) {
      matching.run(); // only queues it: a driver may call this from its own probe or remove
    }
  }

  @Override
  public DeviceDTO setDriverOverride(String device, String driver) {
    String override = overrideOf(driver);
    DeviceEntry e;
    synchronized (state.lock) {
      e = state.existing(device);
      e.override = override;
      e.held = false;
    }
    sink.post(VdpaEvents.OVERRIDE_CHANGED, props(VdpaEvents.DEVICE, device, VdpaEvents.OVERRIDE, override == null ? "" : override));
    sink.info("device " + device + " driver override " + (override == null ? "cleared" : "set to " + override));
    runOnLane(e, () -> {
      String holder;
      synchronized (state.lock) {
        holder = e.state == State.BOUND ? e.driver.name : null;
      }
      if (holder != null && override != null && !holder.equals(override)) {
        handover.release(e, "driver override changed to " + override, false);
      }
      sequence.reconcile(e, false, null);
    });
    return snapshots.device(e);
  }

  @Override
  public void presetDriverOverride(String device, String driver) {
    state.preset(device, overrideOf(driver));
  }

  private static String overrideOf(String driver) {
    return driver == null || driver.isBlank() || driver.equals("none") ? null : driver.trim();
  }

  @Override
  public void setAutoprobe(boolean on) {
    List<Runnable> matchings = new ArrayList<>();
    boolean changed;
    synchronized (state.lock) {
      changed = state.autoprobe != on;
      state.autoprobe = on;
      for (DeviceEntry e : state.devices()) {
        if (e.state == State.NEW && on && e.autoprobe) {
          // its first matching may have read the switch before it was on
          matchings.add(sequence.queueMatch(e, () -> sequence.reconcile(e, false, null)));
        } else if (e.state == State.UNBOUND) {
          if (on && e.autoprobe) {
            matchings.add(sequence.queueMatch(e, () -> sequence.reconcile(e, false, null)));
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
    matchings.forEach(Runnable::run);
  }

  @Override
  public boolean isAutoprobe() {
    synchronized (state.lock) {
      return state.autoprobe;
    }
  }

  @Override
  public DeviceDTO setAutoprobe(String device, boolean on) {
    DeviceEntry e;
    synchronized (state.lock) {
      e = state.existing(device);
      e.autoprobe = on;
      if (!on && (e.state == State.NEW || (e.state == State.UNBOUND && !e.held))) {
        // said now, also for a device not matched yet: its first matching, queued, agrees and says so
        e.state = State.UNBOUND;
        e.reason = "autoprobe is off for this device";
      }
    }
    sink.post(VdpaEvents.AUTOPROBE_CHANGED, props(VdpaEvents.DEVICE, device, VdpaEvents.AUTOPROBE, on));
    if (on) {
      runOnLane(e, () -> sequence.reconcile(e, false, null));
    } else {
      // a match already under way on the lane may end with its own reason: say why it waits after it
      e.lane.submit(() -> {
        synchronized (state.lock) {
          if (!e.autoprobe && e.state == State.UNBOUND && !e.held) {
            e.reason = "autoprobe is off for this device";
          }
        }
      });
    }
    return snapshots.device(e);
  }

  // ------------------------------------------------------------------ state as DTOs

  @Override
  public BusDTO state() {
    return snapshots.bus();
  }

  @Override
  public List<DeviceDTO> devices() {
    return snapshots.devices();
  }

  @Override
  public Optional<DeviceDTO> device(String name) {
    return snapshots.device(name);
  }

  @Override
  public List<DriverDTO> drivers() {
    return snapshots.drivers();
  }

  @Override
  public List<MgmtDevDTO> mgmtDevices() {
    return snapshots.mgmtDevices();
  }

  /** Runs an operation on the device's lane and waits for it, bounded by the timeouts. */
  private void runOnLane(DeviceEntry e, Runnable work) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    e.lane.submit(work);
    // A separate marker task, not a finally in the work: if a probe times out, the rest of the work
    // continues at the head of the lane on another thread, and the marker runs after it.
    e.lane.submit(() -> done.complete(null));
    long bound = state.probeTimeoutMillis * (state.drivers().length + 1L) + state.removeTimeoutMillis + 1000;
    if (!Lane.await(done, bound)) {
      throw new IllegalStateException("device " + e.name + " is still busy after " + bound
          + " ms (a driver call is slow); its state will show in the bus listing");
    }
  }
}
