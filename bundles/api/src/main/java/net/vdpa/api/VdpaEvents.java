package net.vdpa.api;

/**
 * The Event Admin topics the bus posts, and the property keys of their events. Subscribe to
 * {@link #TOPIC_ALL} for every bus event.
 */
public final class VdpaEvents {
  /** Every topic of the bus. */
  public static final String TOPIC_ALL = "net/vdpa/*";
  /** A device appeared on the bus. */
  public static final String DEVICE_ADDED = "net/vdpa/device/ADDED";
  /** A device left the bus (after its driver's remove). */
  public static final String DEVICE_REMOVED = "net/vdpa/device/REMOVED";
  /** A device was bound to a driver (probe returned). */
  public static final String DEVICE_BOUND = "net/vdpa/device/BOUND";
  /** A device was taken from its driver (remove returned, device reset). */
  public static final String DEVICE_UNBOUND = "net/vdpa/device/UNBOUND";
  /** A driver's probe threw or timed out; {@link #REASON} says why. */
  public static final String PROBE_FAILED = "net/vdpa/device/PROBE_FAILED";
  /**
   * A device went from one driver to another without a user asking: its driver left and another
   * took it by autoprobe, or the driver it left came back and took it back. {@link #DRIVER} is
   * the new driver, {@link #FROM} the old, {@link #REASON} says why.
   */
  public static final String DEVICE_MOVED = "net/vdpa/device/MOVED";
  /**
   * The driver a device left came back, but the device stays where it is: {@link #STAY} is the
   * {@code DeviceDTO.Stay} name, {@link #REASON} the words, {@link #DRIVER} the driver holding it,
   * {@link #FROM} the driver that came back.
   */
  public static final String DEVICE_STAYS = "net/vdpa/device/STAYS";
  /**
   * The bus looked at a device and left it where it is, and no other event says so: a matching
   * ended with no driver holding it ({@link #REASON} says why; posted after a device's first
   * matching, then when the reason changes or when a matching the bus queued on its own (a driver
   * came or went) ends, during which the device showed as {@code NEW}; when it is posted the device
   * reads {@code UNBOUND}), or a driver the device had left came back and the
   * driver holding it fits at least as well ({@link #DRIVER} the holder, {@link #FROM} the driver
   * that came back). With {@link #DEVICE_BOUND}, {@link #DEVICE_UNBOUND}, {@link #DEVICE_MOVED},
   * {@link #DEVICE_STAYS} and {@link #DEVICE_REMOVED} it ends every piece of work the bus does on a
   * device, so a caller can wait for the bus on events alone.
   */
  public static final String DEVICE_SETTLED = "net/vdpa/device/SETTLED";
  /** A device's driver override was set or cleared. */
  public static final String OVERRIDE_CHANGED = "net/vdpa/device/OVERRIDE_CHANGED";
  /** Autoprobe was switched, globally (no {@link #DEVICE}) or for one device. */
  public static final String AUTOPROBE_CHANGED = "net/vdpa/bus/AUTOPROBE_CHANGED";
  /** A driver appeared on the bus. */
  public static final String DRIVER_ADDED = "net/vdpa/driver/ADDED";
  /** A driver left the bus (after its devices were removed). */
  public static final String DRIVER_REMOVED = "net/vdpa/driver/REMOVED";

  /** Event property: the device name. */
  public static final String DEVICE = "device";
  /** Event property: the driver name. */
  public static final String DRIVER = "driver";
  /** Event property: the driver a device left (moves, stays). */
  public static final String FROM = "from";
  /** Event property: why a device stays, a {@code DeviceDTO.Stay} name. */
  public static final String STAY = "stay";
  /** Event property: why (probe failure, unbound reason). */
  public static final String REASON = "reason";
  /** Event property: the override ({@code ""} when cleared). */
  public static final String OVERRIDE = "override";
  /** Event property: the autoprobe setting (Boolean). */
  public static final String AUTOPROBE = "autoprobe";

  private VdpaEvents() {}
}
