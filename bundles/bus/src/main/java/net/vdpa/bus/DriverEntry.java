package net.vdpa.bus;

import java.util.HashSet;
import java.util.Set;
import net.vdpa.api.VdpaDriver;

/** A driver service as the bus knows it. */
final class DriverEntry {
  final VdpaDriver driver;
  final String name;
  final long serviceId;
  final long bundleId;
  /** Written by the tracker thread, read anywhere. */
  volatile int ranking;
  /** Set once when the driver service goes away. */
  volatile boolean gone;
  /** Guarded by the bus lock: devices this driver holds. */
  final Set<DeviceEntry> devices = new HashSet<>();

  DriverEntry(VdpaDriver driver, String name, int ranking, long serviceId, long bundleId) {
    this.driver = driver;
    this.name = name;
    this.ranking = ranking;
    this.serviceId = serviceId;
    this.bundleId = bundleId;
  }

  @Override
  public String toString() {
    return name + "#" + serviceId;
  }
}
