package net.vdpa.api.dto;

import org.osgi.dto.DTO;

/** One device on the bus: who it is, which driver holds it, or why none does. */
public class DeviceDTO extends DTO {
  /** Bound to {@link #driver}. */
  public static final String BOUND = "bound";
  /** Not bound; {@link #reason} says why. */
  public static final String UNBOUND = "unbound";
  /** A driver's probe is running. */
  public static final String PROBING = "probing";
  /** A driver's remove is running. */
  public static final String REMOVING = "removing";

  /** The device name. */
  public String name;
  /** The virtio device id (1 net, 2 block). */
  public int deviceId;
  /** The virtio vendor id. */
  public int vendorId;
  /** The handle of the management device that created it, or null. */
  public String mgmtdev;
  /** {@link #BOUND}, {@link #UNBOUND}, {@link #PROBING} or {@link #REMOVING}. */
  public String state;
  /** The driver holding it (or being probed or removed), or null. */
  public String driver;
  /** Why it is unbound (autoprobe off, no matching driver, probe failures, waiting for an override). */
  public String reason;
  /** The driver override, or null. */
  public String driverOverride;
  /** The device's own autoprobe setting (it matches automatically only if the bus's is on too). */
  public boolean autoprobe;
  /** The virtio status byte when the snapshot was taken. */
  public int status;
  /** The device service's id. */
  public long serviceId;
  /** The id of the bundle that registered the device. */
  public long bundleId;
}
