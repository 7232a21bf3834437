package net.vdpa.bus;

import java.util.function.Supplier;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.State;
import net.vdpa.api.dto.DeviceDTO.Stay;

/**
 * A device service as the bus knows it. The binding fields are guarded by the bus lock ({@link
 * BusState#lock}) and written only from the device's lane (and the tracker thread when the device
 * goes away).
 */
final class DeviceEntry {
  final String name;
  final long serviceId;
  final long bundleId;
  final String mgmtdev;
  final Lane lane;
  /** Gets the device object; called once, on the lane (see {@link Arrivals#deviceAdded}). */
  final Supplier<VdpaDevice> resolver;
  /** Set once on the lane by the first task; null until then, or if the service could not be had. */
  volatile VdpaDevice device;
  /** Read from the device when it is resolved. */
  volatile int deviceId;
  /** Read from the device when it is resolved. */
  volatile int vendorId;

  /** Guarded by the bus lock. */
  State state = State.NEW;
  /** Guarded by the bus lock: the driver holding it, or being probed or removed. */
  DriverEntry driver;
  /** Guarded by the bus lock: the score {@link #driver} gave the device when it was picked. */
  int score;
  /** Guarded by the bus lock: why it is unbound; null until it is first matched. */
  String reason;
  /** Guarded by the bus lock. */
  String override;
  /** Guarded by the bus lock. */
  boolean autoprobe = true;
  /** Guarded by the bus lock: unbound by request; stays idle until bind, probe or override. */
  boolean held;
  /** Guarded by the bus lock: while bound, how it came to its driver. */
  Placement placement;
  /** Guarded by the bus lock: the driver it had to leave because that driver went away, until it is back on it. */
  String displacedFrom;
  /** Guarded by the bus lock: why it stays with its driver although {@link #displacedFrom} is back. */
  Stay stay;
  /** Guarded by the bus lock: {@link #stay} in words. */
  String stayReason;
  /** Guarded by the bus lock: its first matching has ended, and an event said how. */
  boolean matched;
  /**
   * Guarded by the bus lock: matchings queued on its lane by something other than a caller who
   * waits for them (a driver arrived, bus autoprobe turned on, its driver left) and not ended yet.
   * While there are any, an unbound device is shown {@link State#NEW}: the drivers present have
   * not all been asked about it yet.
   */
  int queuedMatches;
  /**
   * Guarded by the bus lock: the queued matching running on the lane now, until it ends its count
   * (when it settles the device, so that the count and the state change together, or when it ends);
   * null when none is.
   */
  Object runningMatch;
  /** Guarded by the bus lock: the device service is going or gone. */
  boolean gone;

  DeviceEntry(String name, Supplier<VdpaDevice> resolver, long serviceId, long bundleId, String mgmtdev, Lane lane) {
    this.name = name;
    this.resolver = resolver;
    this.serviceId = serviceId;
    this.bundleId = bundleId;
    this.mgmtdev = mgmtdev;
    this.lane = lane;
  }

  @Override
  public String toString() {
    return name;
  }
}
