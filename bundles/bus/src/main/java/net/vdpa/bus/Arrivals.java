package net.vdpa.bus;

import static net.vdpa.bus.BusSink.props;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO.State;

/**
 * Devices and drivers arriving on the bus and leaving it, as the service registry reports them.
 * Arrivals only queue lane work. The two departures that must not return early wait for it, with a
 * bound: {@link #deviceRemoved} (the driver's remove runs before the device disappears) and {@link
 * #driverRemoved} (its devices are removed while the driver still works).
 */
final class Arrivals {
  private final BusState state;
  private final BusSink sink;
  private final LanePool pool;
  private final ProbeSequence sequence;
  private final Handover handover;

  Arrivals(BusState state, BusSink sink, LanePool pool, ProbeSequence sequence, Handover handover) {
    this.state = state;
    this.sink = sink;
    this.pool = pool;
    this.sequence = sequence;
    this.handover = handover;
  }

  /** A device given as an object (tests, and devices without a name property). */
  DeviceEntry deviceAdded(VdpaDevice device, long serviceId, long bundleId, String mgmtdev) {
    String name;
    try {
      name = device.name();
    } catch (RuntimeException e) {
      sink.warn("device service " + serviceId + " refused: name() threw " + DriverCalls.describe(e));
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
    synchronized (state.lock) {
      if (state.closed) {
        return null;
      }
      DeviceEntry other = state.put(e);
      if (other != null) {
        sink.warn("device service " + serviceId + " refused: the name " + name + " is taken by service " + other.serviceId);
        return null;
      }
      if (!state.autoprobe) {
        // said now: a reader right after the registration sees why it waits (its first matching agrees)
        e.state = State.UNBOUND;
        e.reason = "autoprobe is off for the bus";
      }
    }
    e.lane.submit(() -> {
      if (resolve(e)) {
        sink.post(VdpaEvents.DEVICE_ADDED, props(VdpaEvents.DEVICE, name));
        sequence.reconcile(e, false, null);
      }
    });
    return e;
  }

  /** Obtains the device object and its identity. Lane only; false if the device cannot be used. */
  private boolean resolve(DeviceEntry e) {
    synchronized (state.lock) {
      if (e.gone) {
        return false;
      }
    }
    try {
      VdpaDevice d = e.resolver.get();
      if (d == null) {
        sequence.settle(e, "the device service could not be obtained");
        return false;
      }
      e.deviceId = d.deviceId();
      e.vendorId = d.vendorId();
      e.device = d;
      return true;
    } catch (RuntimeException ex) {
      sequence.settle(e, "reading the device's identity threw " + DriverCalls.describe(ex));
      sink.warn("device " + e.name + " cannot be used: reading its identity threw " + DriverCalls.describe(ex));
      return false;
    }
  }

  /**
   * A device service is going away: its driver's remove runs first (this waits for it, at most the
   * probe and remove timeouts), then the device is forgotten.
   */
  void deviceRemoved(DeviceEntry e) {
    synchronized (state.lock) {
      e.gone = true;
      state.remove(e);
      if (state.closed) {
        return; // close() has released every device already
      }
    }
    CompletableFuture<Void> released = new CompletableFuture<>();
    e.lane.submit(() -> {
      handover.release(e, "device removed", false);
      released.complete(null);
    });
    long bound = state.probeTimeoutMillis + state.removeTimeoutMillis;
    if (!Lane.await(released, bound)) {
      sink.warn("device " + e.name + " left while its driver was still busy with it (waited " + bound + " ms)");
    }
    sink.post(VdpaEvents.DEVICE_REMOVED, props(VdpaEvents.DEVICE, e.name));
  }

  /** A driver service appeared: it is offered every idle device. */
  DriverEntry driverAdded(VdpaDriver driver, int ranking, long serviceId, long bundleId) {
    String name;
    try {
      name = driver.name();
    } catch (RuntimeException e) {
      sink.warn("driver service " + serviceId + " refused: name() threw " + DriverCalls.describe(e));
      return null;
    }
    if (name == null || name.isEmpty()) {
      sink.warn("driver service " + serviceId + " refused: it has no name");
      return null;
    }
    DriverEntry d = new DriverEntry(driver, name, ranking, serviceId, bundleId);
    List<DeviceEntry> displaced = new ArrayList<>();
    List<Runnable> matchings = new ArrayList<>();
    synchronized (state.lock) {
      if (state.closed) {
        return null;
      }
      state.addDriver(d);
      if (state.autoprobe) {
        for (DeviceEntry e : state.devices()) {
          if (!e.autoprobe || e.held) {
            continue;
          }
          if (e.state == State.BOUND) {
            if (name.equals(e.displacedFrom)) {
              displaced.add(e);
            }
          } else {
            // a NEW, PROBING or REMOVING device too: its matching may have read the drivers before this one
            matchings.add(sequence.queueMatch(e, () -> arrived(e, d)));
          }
        }
      }
    }
    sink.post(VdpaEvents.DRIVER_ADDED, props(VdpaEvents.DRIVER, name));
    sink.info("driver " + name + " added (service " + serviceId + ", ranking " + ranking + ")");
    matchings.forEach(Runnable::run);
    for (DeviceEntry e : displaced) {
      e.lane.submit(() -> handover.homecoming(e, d));
    }
    return d;
  }

  /**
   * After driver {@code d} arrived while {@code e} was not bound: its matching then may have read the
   * drivers before {@code d} was there. If it has ended bound to another driver although it belongs
   * to {@code d}, that is a homecoming; if it is idle, it is matched again. Lane only.
   */
  private void arrived(DeviceEntry e, DriverEntry d) {
    boolean home;
    synchronized (state.lock) {
      // as when it arrived: autoprobe may have been turned off while this waited behind a probe
      home = e.state == State.BOUND && d.name.equals(e.displacedFrom) && e.autoprobe && state.autoprobe;
    }
    if (home) {
      handover.homecoming(e, d);
    } else {
      sequence.reconcile(e, false, null);
    }
  }

  /**
   * A driver service is going away: each of its devices gets {@code remove} and a reset (this
   * waits for those, at most the remove timeout), then is matched again in the background.
   */
  void driverRemoved(DriverEntry d) {
    List<CompletableFuture<Void>> released = new ArrayList<>();
    List<Runnable> handovers = new ArrayList<>();
    String why = "driver " + d.name + " left";
    synchronized (state.lock) {
      d.gone = true;
      if (state.closed) {
        return; // close() has released every device already
      }
      state.removeDriver(d);
      for (DeviceEntry e : d.devices) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        released.add(f);
        // counted as a queued matching from now: a reader never sees it idle between release and match
        handovers.add(sequence.queueMatch(e, () -> {
          try {
            synchronized (state.lock) {
              if (e.displacedFrom == null && e.driver == d) {
                e.displacedFrom = d.name; // where it belongs, should that driver come back
              }
            }
            handover.release(e, why, true);
          } finally {
            f.complete(null);
          }
          sequence.reconcile(e, false, new ProbeSequence.Move(d.name, why));
        }));
      }
    }
    handovers.forEach(Runnable::run);
    long bound = state.removeTimeoutMillis;
    if (!Lane.await(CompletableFuture.allOf(released.toArray(new CompletableFuture<?>[0])), bound)) {
      sink.warn("driver " + d.name + " left before all its devices were removed (waited " + bound + " ms)");
    }
    sink.post(VdpaEvents.DRIVER_REMOVED, props(VdpaEvents.DRIVER, d.name));
    sink.info("driver " + d.name + " removed; " + released.size() + " device(s) released");
  }

  /**
   * The bus stops: every bound device is released (driver remove, reset), waiting at most the probe
   * and remove timeouts; nothing new is taken on.
   */
  void close() {
    List<DeviceEntry> bound = new ArrayList<>();
    synchronized (state.lock) {
      state.closed = true;
      for (DeviceEntry e : state.devices()) {
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
        handover.release(e, "bus stopped", false);
        f.complete(null);
      });
    }
    Lane.await(CompletableFuture.allOf(released.toArray(new CompletableFuture<?>[0])),
        state.probeTimeoutMillis + state.removeTimeoutMillis);
  }
}
