package net.vdpa.api;

import java.util.List;
import java.util.Optional;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DriverDTO;
import net.vdpa.api.dto.MgmtDevDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The vDPA bus: the only place that decides which driver holds which device. Read its state as
 * DTOs; change bindings with the operations below, which are what Linux offers through sysfs
 * ({@code bind}, {@code unbind}, {@code driver_override}, {@code drivers_autoprobe}).
 *
 * <p><b>Binding rules.</b> A device is held by at most one driver. Among the drivers present, the
 * device's override (an exact driver name) decides if set; otherwise the highest {@link
 * VdpaDriver#match} score, then the higher {@code service.ranking}, then the lower {@code
 * service.id}. A driver that scores 0 does not match; one that scores {@link
 * VdpaDriver#MATCH_ON_REQUEST} takes a device only by override or {@link #bind}, never by autoprobe.
 * A new driver takes only idle devices: a bound device stays with its driver until it is unbound,
 * its driver leaves, or its override names another driver. When a driver leaves, its devices are
 * removed, reset and matched again; when it comes back, those the bus moved to another driver go
 * back to it, unless a user placed them there (override, bind) or holds them open ({@link
 * VdpaDriver#busy}); the device's DTO then says why it stays.
 *
 * <p>Operations that bind wait for the probe to finish (at most the probe timeout) and report its
 * outcome; errors are {@link IllegalArgumentException} (unknown device or driver) or {@link
 * IllegalStateException} (device already bound, probe failed) with a message naming the values.
 */
@ProviderType
public interface VdpaBus {

  /**
   * Everything at once: devices, drivers, management devices, global autoprobe.
   *
   * @return a snapshot
   */
  BusDTO state();

  /**
   * Every device on the bus, sorted by name, with its driver or the reason it is unbound.
   *
   * @return a snapshot
   */
  List<DeviceDTO> devices();

  /**
   * One device.
   *
   * @param name the device name
   * @return the device, or empty if there is none of that name
   */
  Optional<DeviceDTO> device(String name);

  /**
   * Every driver on the bus with the devices it holds.
   *
   * @return a snapshot, sorted by name then service id
   */
  List<DriverDTO> drivers();

  /**
   * Every management device.
   *
   * @return a snapshot, sorted by handle
   */
  List<MgmtDevDTO> mgmtDevices();

  /**
   * Binds an idle device to the named driver (sysfs {@code bind}), ignoring the score but not a
   * score of 0, and waits for the probe.
   *
   * @param device device name
   * @param driver driver name
   * @return the device after the probe
   * @throws IllegalArgumentException if the device or driver does not exist, or the driver does
   *     not match the device
   * @throws IllegalStateException if the device is already bound (the message names its driver) or
   *     the probe failed (the message gives the reason)
   */
  DeviceDTO bind(String device, String driver);

  /**
   * Takes a device from its driver (sysfs {@code unbind}): the driver's {@code remove} runs, the
   * device is reset and stays idle until {@link #bind} or {@link #probe}.
   *
   * @param device device name
   * @return the device afterwards
   * @throws IllegalArgumentException if the device does not exist
   * @throws IllegalStateException if it is not bound
   */
  DeviceDTO unbind(String device);

  /**
   * Matches an idle device now, as if it had just appeared (Linux's {@code drivers_probe}), even if
   * autoprobe is off. As autoprobe, it never picks a driver that matches only on request ({@link
   * VdpaDriver#MATCH_ON_REQUEST}): name that one with {@link #bind} or an override.
   *
   * @param device device name
   * @return the device afterwards
   * @throws IllegalArgumentException if the device does not exist
   */
  DeviceDTO probe(String device);

  /**
   * Matches an idle device again as autoprobe would, if autoprobe is on for the bus and for it and
   * no user is holding it idle (after {@link #unbind}); otherwise does nothing. Returns at once: the
   * matching is queued on the device's thread, and may be called from a driver's own calls. A driver
   * that {@link VdpaDriver#refuses refused} a device calls it when the refusal ends.
   *
   * @param device device name
   * @throws IllegalArgumentException if the device does not exist
   * @since 1.4
   */
  void rematch(String device);

  /**
   * Sets or clears a device's driver override. With an override, only the named driver may take
   * the device. If the device is bound to another driver it is unbound and matched again; if the
   * named driver is not loaded the override is kept and the device waits for it (its DTO says so).
   *
   * @param device device name
   * @param driver a driver name, or {@code null} (or empty) to clear
   * @return the device afterwards
   * @throws IllegalArgumentException if the device does not exist
   */
  DeviceDTO setDriverOverride(String device, String driver);

  /**
   * Sets the driver override a device will have when it appears (for devices created from kept
   * configuration, so they never bind to another driver first). A device already on the bus is
   * not changed: use {@link #setDriverOverride}.
   *
   * @param device device name
   * @param driver a driver name, or {@code null} (or empty) to forget the preset
   */
  void presetDriverOverride(String device, String driver);

  /**
   * Switches automatic matching on or off for the whole bus. Off: new devices and drivers wait for
   * an explicit {@link #bind} or {@link #probe}. Switching it on matches every idle device.
   *
   * @param on the new setting
   */
  void setAutoprobe(boolean on);

  /**
   * Whether automatic matching is on for the whole bus.
   *
   * @return the setting
   */
  boolean isAutoprobe();

  /**
   * Switches automatic matching on or off for one device; a device matches automatically only when
   * both its own and the global setting are on.
   *
   * @param device device name
   * @param on the new setting
   * @return the device afterwards
   * @throws IllegalArgumentException if the device does not exist
   */
  DeviceDTO setAutoprobe(String device, boolean on);
}
