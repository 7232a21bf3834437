package net.vdpa.api;

import java.io.Serializable;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code vdpa dev add} asks a management device to create: a name and the optional attributes
 * of iproute2's {@code vdpa dev add}. Validates itself: an instance always has a legal name and
 * legal values; {@link #checkAgainst} then checks it against one management device. Serializable
 * (since 1.5) for {@code net.vdpa.api.remote}: a received record goes through the same validating
 * constructor.
 *
 * @param name the device name: 1 to 64 characters from letters, digits, {@code _ - .}, starting
 *     with a letter or digit
 * @param mac the MAC address, or {@code null} to let the management device choose
 * @param mtu the MTU (at least 68), or {@code null} for the default
 * @param maxVqp the number of queue pairs (at least 1), or {@code null} for the default
 * @param deviceFeatures the features the device offers, or {@code null} for all the management
 *     device supports
 * @param capacity a block device's size in bytes (whole 512-byte sectors), or {@code null} for the
 *     management device's default (or the backing file's size)
 * @param file a block device's backing file as an absolute, normalised path (a relative one is
 *     made absolute against the working directory when the record is built), or {@code null} for
 *     memory
 * @param readOnly {@code true} for a read-only block device, or {@code null} for read-write
 * @param numQueues a block device's request queues (at least 1; {@code virtio_blk_config.num_queues}),
 *     or {@code null} for the management device's default (since 1.4)
 */
public record DevConfig(String name, MacAddress mac, Integer mtu, Integer maxVqp, Long deviceFeatures,
    Long capacity, String file, Boolean readOnly, Integer numQueues) implements Serializable {

  /** The smallest MTU a network device may have (IPv4's minimum datagram). */
  public static final int MIN_MTU = 68;
  /** The largest MTU accepted. */
  public static final int MAX_MTU = 65535;
  /** The feature bit of virtio 1.x ({@code VIRTIO_F_VERSION_1}). */
  public static final int F_VERSION_1 = 32;

  /** A block device's sector: capacities are whole sectors. */
  public static final int SECTOR = 512;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");

  /** Validates every field; the message names the bad value. */
  public DevConfig {
    checkName(name);
    if (mtu != null && mtu < MIN_MTU) {
      throw new IllegalArgumentException("mtu " + mtu + " is below " + MIN_MTU);
    }
    if (mtu != null && mtu > MAX_MTU) {
      throw new IllegalArgumentException("mtu " + mtu + " is above " + MAX_MTU);
    }
    if (maxVqp != null && maxVqp < 1) {
      throw new IllegalArgumentException("max_vqp " + maxVqp + ": at least one pair of VQs is required");
    }
    if (maxVqp != null && maxVqp > 0x8000) {
      throw new IllegalArgumentException("max_vqp " + maxVqp + " is above 32768");
    }
    if (numQueues != null && numQueues < 1) {
      throw new IllegalArgumentException("num_queues " + numQueues + ": at least one request queue is required");
    }
    if (numQueues != null && numQueues > 0xffff) {
      throw new IllegalArgumentException("num_queues " + numQueues + " is above 65535");
    }
    if (capacity != null && (capacity < SECTOR || capacity % SECTOR != 0)) {
      throw new IllegalArgumentException("capacity " + capacity + " is not a positive number of 512-byte sectors");
    }
    if (file != null) {
      file = absolute(file);
    }
    if (Boolean.FALSE.equals(readOnly)) {
      readOnly = null; // read-write is the default: one spelling for one device
    }
  }

  /**
   * A configuration without {@code num_queues} (the fields before 1.4.0).
   *
   * @param name the device name
   * @param mac the MAC address or null
   * @param mtu the MTU or null
   * @param maxVqp the queue pairs or null
   * @param deviceFeatures the offered features or null
   * @param capacity a block device's size in bytes or null
   * @param file a block device's backing file or null
   * @param readOnly {@code true} for a read-only block device or null
   */
  public DevConfig(String name, MacAddress mac, Integer mtu, Integer maxVqp, Long deviceFeatures, Long capacity,
      String file, Boolean readOnly) {
    this(name, mac, mtu, maxVqp, deviceFeatures, capacity, file, readOnly, null);
  }

  /**
   * A configuration of the network attributes only (the fields before 1.3.0).
   *
   * @param name the device name
   * @param mac the MAC address or null
   * @param mtu the MTU or null
   * @param maxVqp the queue pairs or null
   * @param deviceFeatures the offered features or null
   */
  public DevConfig(String name, MacAddress mac, Integer mtu, Integer maxVqp, Long deviceFeatures) {
    this(name, mac, mtu, maxVqp, deviceFeatures, null, null, null, null);
  }

  private static String absolute(String file) {
    if (file.isBlank()) {
      throw new IllegalArgumentException("file '" + file + "' is not a path");
    }
    try {
      return Path.of(file).toAbsolutePath().normalize().toString();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("file '" + file + "' is not a path: " + e.getReason());
    }
  }

  /**
   * The same configuration with another MAC address.
   *
   * @param newMac the MAC address or null
   * @return a new configuration
   */
  public DevConfig withMac(MacAddress newMac) {
    return new DevConfig(name, newMac, mtu, maxVqp, deviceFeatures, capacity, file, readOnly, numQueues);
  }

  /**
   * A configuration with a name only.
   *
   * @param name the device name
   * @return the configuration
   */
  public static DevConfig named(String name) {
    return new DevConfig(name, null, null, null, null);
  }

  /**
   * Checks a device name.
   *
   * @param name the name
   * @throws IllegalArgumentException naming the value if it is not a legal device name
   */
  public static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("device name is not set.");
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("device name '" + name
          + "' is not valid: use 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit");
    }
  }

  /**
   * The attributes this configuration sets.
   *
   * @return a new set
   */
  public Set<DevAttr> attributes() {
    Set<DevAttr> s = EnumSet.noneOf(DevAttr.class);
    if (mac != null) {
      s.add(DevAttr.MAC);
    }
    if (mtu != null) {
      s.add(DevAttr.MTU);
    }
    if (maxVqp != null) {
      s.add(DevAttr.MAX_VQP);
    }
    if (deviceFeatures != null) {
      s.add(DevAttr.DEVICE_FEATURES);
    }
    if (capacity != null) {
      s.add(DevAttr.CAPACITY);
    }
    if (file != null) {
      s.add(DevAttr.FILE);
    }
    if (readOnly != null) {
      s.add(DevAttr.READ_ONLY);
    }
    if (numQueues != null) {
      s.add(DevAttr.NUM_QUEUES);
    }
    return s;
  }

  /**
   * Checks this configuration against what one management device accepts.
   *
   * @param mgmtdev the management device
   * @throws IllegalArgumentException naming the attribute or feature bits it does not support
   */
  public void checkAgainst(VdpaMgmtDevice mgmtdev) {
    Set<DevAttr> unsupported = attributes();
    unsupported.removeAll(mgmtdev.acceptedAttributes());
    if (!unsupported.isEmpty()) {
      StringBuilder names = new StringBuilder();
      for (DevAttr a : unsupported) {
        names.append(names.length() == 0 ? "" : ", ").append(a.keyword());
      }
      throw new IllegalArgumentException("management device " + mgmtdev.handle()
          + " does not support attribute(s) " + names + ": all provided attributes are not supported");
    }
    if (deviceFeatures != null) {
      long extra = deviceFeatures & ~mgmtdev.supportedFeatures();
      if (extra != 0) {
        throw new IllegalArgumentException("device_features 0x" + Long.toHexString(deviceFeatures)
            + " has bits 0x" + Long.toHexString(extra) + " that management device " + mgmtdev.handle()
            + " does not support (supported: 0x" + Long.toHexString(mgmtdev.supportedFeatures()) + ")");
      }
    }
    if (numQueues != null && numQueues > mgmtdev.maxSupportedVqs()) {
      throw new IllegalArgumentException("num_queues " + numQueues + " is above " + mgmtdev.maxSupportedVqs()
          + ", the most management device " + mgmtdev.handle() + " supports");
    }
    if (maxVqp != null && 2L * maxVqp > mgmtdev.maxSupportedVqs()) {
      throw new IllegalArgumentException("max_vqp " + maxVqp + " needs " + (2L * maxVqp)
          + " queues; management device " + mgmtdev.handle() + " supports at most " + mgmtdev.maxSupportedVqs());
    }
  }
}
