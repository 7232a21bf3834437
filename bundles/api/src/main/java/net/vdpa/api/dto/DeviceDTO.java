package net.vdpa.api.dto;

import org.osgi.dto.DTO;

/** One device on the bus: who it is, which driver holds it, or why none does. */
public class DeviceDTO extends DTO {
  /**
   * Where a device is in the bus's hands. A device arrives {@link #NEW} ({@link #UNBOUND} at once
   * while autoprobe is off for the bus or for it), is matched, and from then on is {@link
   * #UNBOUND}, {@link #PROBING}, {@link #BOUND} or {@link #REMOVING}. {@code NEW}, {@code PROBING}
   * and {@code REMOVING} are transitions the bus finishes on its own, each ending with an event
   * ({@code VdpaEvents}: {@code BOUND}, {@code UNBOUND}, {@code SETTLED}); a device's first
   * matching always ends with one.
   */
  public enum State {
    /**
     * On the bus, not matched yet against the drivers present: it just arrived, or it was idle and
     * a driver arrived, bus autoprobe was turned on, or its driver left, and the bus has not asked
     * every driver about it yet.
     */
    NEW,
    /** Not bound; {@link DeviceDTO#reason} says why. */
    UNBOUND,
    /** The bus is probing drivers for it, best candidate first; {@link DeviceDTO#driver} is the one asked now. */
    PROBING,
    /** Bound to {@link DeviceDTO#driver}. */
    BOUND,
    /** {@link DeviceDTO#driver}'s remove is running. */
    REMOVING;

    /** Whether the bus is still working on the device: it will end in another state on its own. */
    public boolean inTransition() {
      return this == NEW || this == PROBING || this == REMOVING;
    }
  }

  /** How a bound device came to its driver. */
  public enum Placement {
    /** The bus chose the driver by matching (autoprobe, or a probe request). */
    AUTOPROBE,
    /** The device's driver override named the driver. */
    OVERRIDE,
    /** A user bound it to this driver by name ({@code bind}). */
    BIND
  }

  /**
   * Why a device stays with its driver although the driver it left (because that driver went away)
   * is back and would take it.
   */
  public enum Stay {
    /** The driver override named the driver it is on. */
    PLACED_BY_OVERRIDE,
    /** A user bound it to the driver it is on. */
    PLACED_BY_BIND,
    /** A user holds it open through its driver ({@link #stayReason} gives the driver's words). */
    IN_USE
  }

  /** The device name. */
  public String name;
  /** The virtio device id (1 net, 2 block). */
  public int deviceId;
  /** The virtio vendor id. */
  public int vendorId;
  /** The handle of the management device that created it, or null. */
  public String mgmtdev;
  /** Where the device is in the bus's hands. */
  public State state;
  /** The driver holding it (or being probed or removed), or null. */
  public String driver;
  /** Why it is unbound (autoprobe off, no matching driver, probe failures, waiting for an override). */
  public String reason;
  /** While bound: how it came to its driver; null otherwise. */
  public Placement placement;
  /**
   * While a driver holds it or is probing it: the score that driver's {@code match} gave the device
   * when the bus picked it (see {@code VdpaDriver.match}); 0 otherwise.
   */
  public int score;
  /**
   * The driver the device had to leave because that driver went away (bundle stopped, updated,
   * uninstalled), while the device is idle or held by another driver; null once it is back, or
   * when a user placed it elsewhere.
   */
  public String displacedFrom;
  /** Why it stays where it is although {@link #displacedFrom} is back; null if it does not. */
  public Stay stay;
  /** {@link #stay} in words, for the bus listing; null when {@link #stay} is. */
  public String stayReason;
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
