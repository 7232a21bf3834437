package net.vdpa.bus;

import net.vdpa.api.VdpaDevice;
import net.vdpa.api.dto.DeviceDTO;

/**
 * A device service as the bus knows it. The binding fields are guarded by the bus lock and written
 * only from the device's lane (and the tracker thread when the device goes away).
 */
final class DeviceEntry {
  final VdpaDevice device;
  final String name;
  final long serviceId;
  final long bundleId;
  final int deviceId;
  final int vendorId;
  final String mgmtdev;
  final Lane lane;

  /** Guarded by the bus lock. One of the {@link DeviceDTO} state constants. */
  String state = DeviceDTO.UNBOUND;
  /** Guarded by the bus lock: the driver holding it, or being probed or removed. */
  DriverEntry driver;
  /** Guarded by the bus lock: why it is unbound. */
  String reason = "not matched yet";
  /** Guarded by the bus lock. */
  String override;
  /** Guarded by the bus lock. */
  boolean autoprobe = true;
  /** Guarded by the bus lock: unbound by request; stays idle until bind, probe or override. */
  boolean held;
  /** Guarded by the bus lock: the device service is going or gone. */
  boolean gone;

  DeviceEntry(VdpaDevice device, String name, long serviceId, long bundleId, int deviceId, int vendorId,
      String mgmtdev, Lane lane) {
    this.device = device;
    this.name = name;
    this.serviceId = serviceId;
    this.bundleId = bundleId;
    this.deviceId = deviceId;
    this.vendorId = vendorId;
    this.mgmtdev = mgmtdev;
    this.lane = lane;
  }

  @Override
  public String toString() {
    return name;
  }
}
