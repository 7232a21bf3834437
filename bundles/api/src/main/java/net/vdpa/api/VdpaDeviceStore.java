package net.vdpa.api;

import net.vdpa.api.dto.DeviceDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Devices that outlive a restart: what {@code vdpa dev add} creates is kept as a ConfigAdmin
 * factory configuration (PID {@link #FACTORY_PID}) and created again whenever its management
 * device is present; deleting the device deletes the configuration. The same configurations may
 * come from a file (Karaf {@code etc/}, the OSGi Configurator) to create devices at start.
 */
@ProviderType
public interface VdpaDeviceStore {
  /** Factory PID of a kept device. */
  String FACTORY_PID = "net.vdpa.device";

  /**
   * Keeps and creates a device, and waits until it is on the bus (and bound, if a driver takes it).
   *
   * @param mgmtdev the management device handle
   * @param config the device; the store asks the management device to {@link
   *     VdpaMgmtDevice#validate validate} it before keeping anything
   * @return the device on the bus
   * @throws IllegalArgumentException if the name is taken, the management device refuses the
   *     configuration (its reason), or the management device is not running (nothing is kept)
   * @throws IllegalStateException if the device did not appear (the message says why); its
   *     configuration is not kept
   */
  DeviceDTO add(String mgmtdev, DevConfig config);

  /**
   * Keeps and creates a device, and returns as soon as it is on the bus, as Linux's {@code vdpa dev
   * add} returns once the device exists: the bus may still be matching it or a driver probing it
   * (the returned DTO's state says which), so a caller that needs the driver's class service waits
   * for it itself.
   *
   * @param mgmtdev the management device handle
   * @param config the device; validated first, as for {@link #add}
   * @return the device as the bus first shows it
   * @throws IllegalArgumentException as {@link #add} does
   * @throws IllegalStateException if the device did not appear (the message says why); its
   *     configuration is not kept
   * @since 1.6
   */
  DeviceDTO create(String mgmtdev, DevConfig config);

  /**
   * Deletes a device and its configuration, and waits until it has left the bus.
   *
   * @param name the device name
   * @throws IllegalArgumentException if there is no such device
   */
  void delete(String name);

  /**
   * Changes a kept device's MAC address: the device is created again with it.
   *
   * @param name the device name
   * @param mac the new address
   * @throws IllegalArgumentException if there is no such device, it was not created here, or its
   *     management device refuses the address or is not running; the device is then left as it was
   */
  void setMac(String name, MacAddress mac);

  /**
   * Sets or clears a device's driver override on the bus and keeps it with the device.
   *
   * @param name the device name
   * @param driver a driver name, or null to clear
   * @return the device afterwards
   */
  DeviceDTO setDriverOverride(String name, String driver);
}
