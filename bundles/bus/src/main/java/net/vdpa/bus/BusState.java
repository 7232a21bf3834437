package net.vdpa.bus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO.State;

/**
 * What the bus knows: the devices and drivers present, the management devices, the overrides set
 * for devices not on the bus yet, the global autoprobe switch and the timeouts. Every part of the
 * bus reads and writes it under {@link #lock}; the binding fields of {@link DeviceEntry} are
 * guarded by the same lock. No driver or device is ever called with the lock held.
 */
final class BusState {
  /** The bus lock. */
  final Object lock = new Object();
  /** Guarded by lock: devices by name. */
  private final Map<String, DeviceEntry> devices = new HashMap<>();
  /** Copy-on-write, replaced under lock: the drivers present, in arrival order. */
  private volatile DriverEntry[] drivers = new DriverEntry[0];
  /** Guarded by lock: management devices by service id. */
  private final Map<Long, VdpaMgmtDevice> mgmtdevs = new HashMap<>();
  /** Guarded by lock: overrides for devices not on the bus yet, by device name. */
  private final Map<String, String> presets = new HashMap<>();
  /** Guarded by lock. */
  boolean autoprobe;
  /** Guarded by lock: the bus has stopped; nothing new is taken on. */
  boolean closed;

  /** How long a probe may take; settings may change it at any time. */
  volatile long probeTimeoutMillis;
  /** How long the bus waits for remove calls when a device or driver leaves. */
  volatile long removeTimeoutMillis;

  BusState(BusCore.Settings settings) {
    this.autoprobe = settings.autoprobe();
    this.probeTimeoutMillis = settings.probeTimeoutMillis();
    this.removeTimeoutMillis = settings.removeTimeoutMillis();
  }

  // ------------------------------------------------------------------ devices (caller holds lock)

  /** The device of that name, or null. Caller holds lock. */
  DeviceEntry device(String name) {
    return devices.get(name);
  }

  /**
   * Puts a device on the bus, with the override preset for its name. Caller holds lock.
   *
   * @return the device already using that name, or null if {@code e} was added
   */
  DeviceEntry put(DeviceEntry e) {
    DeviceEntry other = devices.putIfAbsent(e.name, e);
    if (other == null) {
      e.override = presets.get(e.name);
    }
    return other;
  }

  /** Takes a device off the bus. Caller holds lock. */
  void remove(DeviceEntry e) {
    devices.remove(e.name, e);
  }

  /** The devices present, in no order. Caller holds lock. */
  Iterable<DeviceEntry> devices() {
    return devices.values();
  }

  /** The devices present, by name. Caller holds lock. */
  List<DeviceEntry> sortedDevices() {
    return new ArrayList<>(new TreeMap<>(devices).values());
  }

  /** The device of that name; caller holds lock. Throws naming the devices present if there is none. */
  DeviceEntry existing(String name) {
    DeviceEntry e = devices.get(name);
    if (e == null) {
      throw new IllegalArgumentException("no device '" + name + "' on the bus"
          + (devices.isEmpty() ? "" : " (devices: " + String.join(", ", new TreeMap<>(devices).keySet()) + ")"));
    }
    return e;
  }

  /** Records an override for a device that may not be on the bus yet (null clears it). */
  void preset(String device, String override) {
    synchronized (lock) {
      if (override == null) {
        presets.remove(device);
      } else {
        presets.put(device, override);
      }
    }
  }

  /**
   * Counts a matching of {@code e} as queued ({@link DeviceEntry#queuedMatches}) from now until it
   * has ended. Caller holds lock; it runs the returned submission once it has let go of the lock.
   *
   * @param ended called on the lane, without the lock, when the matching ended without settling the
   *     device and its end changed what the device shows (from {@code NEW} to unbound)
   */
  Runnable queueMatch(DeviceEntry e, Runnable matching, Runnable ended) {
    e.queuedMatches++;
    Runnable counted = new Runnable() {
      @Override
      public void run() {
        synchronized (lock) {
          e.runningMatch = this;
        }
        boolean revealed;
        try {
          matching.run();
        } finally {
          synchronized (lock) {
            revealed = e.runningMatch == this && endCount(e);
          }
        }
        if (revealed) {
          ended.run();
        }
      }
    };
    return () -> e.lane.submit(counted);
  }

  /**
   * The running queued matching stops counting. Caller holds lock.
   *
   * @return true if the device was shown {@code NEW} for it and is shown unbound now
   */
  private boolean endCount(DeviceEntry e) {
    boolean shownNew = shown(e) == State.NEW;
    e.runningMatch = null;
    e.queuedMatches = Math.max(0, e.queuedMatches - 1);
    return shownNew && shown(e) == State.UNBOUND && e.matched;
  }

  /** The state a reader is shown: unbound with a matching queued is {@code NEW}. Caller holds lock. */
  static State shown(DeviceEntry e) {
    return e.state == State.UNBOUND && e.queuedMatches > 0 ? State.NEW : e.state;
  }

  /**
   * The device's matching ended with no driver holding it: unbound, for {@code why}. A queued
   * matching that settles stops counting here, with the state change, so that a reader who hears
   * of it sees the device unbound, not {@code NEW}.
   *
   * @return true if this is news: its first matching, or a reader was shown something else (it was
   *     not unbound, or for another reason), and no other matching is queued; worth a {@code
   *     SETTLED} event
   */
  boolean settleUnbound(DeviceEntry e, String why) {
    synchronized (lock) {
      State before = shown(e);
      if (e.runningMatch != null) {
        endCount(e);
      }
      boolean changed = !e.matched || before != State.UNBOUND || !Objects.equals(e.reason, why);
      e.matched = true;
      e.state = State.UNBOUND;
      e.driver = null;
      e.reason = why;
      return changed && shown(e) == State.UNBOUND; // else a matching still queued will say how it ended
    }
  }

  // ------------------------------------------------------------------ drivers

  /** The drivers present, in arrival order; a snapshot, safe to read without the lock. */
  DriverEntry[] drivers() {
    return drivers;
  }

  /** Adds a driver. Caller holds lock. */
  void addDriver(DriverEntry d) {
    DriverEntry[] now = Arrays.copyOf(drivers, drivers.length + 1);
    now[now.length - 1] = d;
    drivers = now;
  }

  /** Removes a driver. Caller holds lock. */
  void removeDriver(DriverEntry d) {
    List<DriverEntry> rest = new ArrayList<>(Arrays.asList(drivers));
    rest.remove(d);
    drivers = rest.toArray(new DriverEntry[0]);
  }

  /** The driver present with that name, or null. */
  DriverEntry driverNamed(String name) {
    for (DriverEntry d : drivers) {
      if (d.name.equals(name) && !d.gone) {
        return d;
      }
    }
    return null;
  }

  /** The names of the drivers present, for messages. */
  String driverNames() {
    StringBuilder s = new StringBuilder();
    for (DriverEntry d : drivers) {
      s.append(s.length() == 0 ? "" : ", ").append(d.name);
    }
    return s.length() == 0 ? "none" : s.toString();
  }

  // ------------------------------------------------------------------ management devices

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

  /** The management devices present, by service id; a copy. */
  List<Map.Entry<Long, VdpaMgmtDevice>> mgmtdevs() {
    synchronized (lock) {
      return new ArrayList<>(mgmtdevs.entrySet());
    }
  }
}
