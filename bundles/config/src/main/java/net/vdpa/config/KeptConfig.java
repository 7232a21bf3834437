package net.vdpa.config;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaMgmtDevice;

/**
 * A kept device as a value: what its factory configuration says, checked. Turns configuration
 * properties into a {@link DevConfig} and back, so both directions use the same keys.
 *
 * @param mgmtdev the management device handle
 * @param config the device
 * @param driverOverride the driver override, or null
 */
record KeptConfig(String mgmtdev, DevConfig config, String driverOverride) {
  static final String NAME = "name";
  static final String MGMTDEV = "mgmtdev";
  static final String MAC = "mac";
  static final String MTU = "mtu";
  static final String MAX_VQP = "max_vqp";
  static final String DEVICE_FEATURES = "device_features";
  static final String DRIVER_OVERRIDE = "driver_override";
  static final String CAPACITY = "capacity";
  static final String FILE = "file";
  static final String READ_ONLY = "ro";
  static final String NUM_QUEUES = "num_queues";
  /** DS target of the management device reference, derived from {@link #MGMTDEV}. */
  static final String MGMTDEV_TARGET = "mgmtdev.target";

  /** Reads configuration properties; the message names the key and value that are wrong. */
  static KeptConfig from(Map<String, ?> p) {
    String mgmtdev = string(p, MGMTDEV);
    if (mgmtdev == null) {
      throw new IllegalArgumentException("management device handle not set.");
    }
    String mac = string(p, MAC);
    Long features = null;
    Object f = p.get(DEVICE_FEATURES);
    if (f instanceof Number n) {
      features = n.longValue();
    } else if (f != null && !f.toString().isBlank()) {
      String v = f.toString().trim().toLowerCase();
      features = Long.parseUnsignedLong(v.startsWith("0x") ? v.substring(2) : v, 16);
    }
    DevConfig c = new DevConfig(string(p, NAME), mac == null ? null : MacAddress.parse(mac), integer(p, MTU),
        integer(p, MAX_VQP), features, longValue(p, CAPACITY), string(p, FILE), flag(p, READ_ONLY),
        integer(p, NUM_QUEUES));
    return new KeptConfig(mgmtdev, c, string(p, DRIVER_OVERRIDE));
  }

  /** The configuration properties. */
  Dictionary<String, Object> toProperties() {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(NAME, config.name());
    p.put(MGMTDEV, mgmtdev);
    p.put(MGMTDEV_TARGET, "(" + VdpaMgmtDevice.PROP_HANDLE + "=" + mgmtdev + ")");
    if (config.mac() != null) {
      p.put(MAC, config.mac().toString());
    }
    if (config.mtu() != null) {
      p.put(MTU, config.mtu());
    }
    if (config.maxVqp() != null) {
      p.put(MAX_VQP, config.maxVqp());
    }
    if (config.deviceFeatures() != null) {
      p.put(DEVICE_FEATURES, "0x" + Long.toHexString(config.deviceFeatures()));
    }
    if (config.capacity() != null) {
      p.put(CAPACITY, config.capacity());
    }
    if (config.file() != null) {
      p.put(FILE, config.file());
    }
    if (config.readOnly() != null) {
      p.put(READ_ONLY, config.readOnly());
    }
    if (config.numQueues() != null) {
      p.put(NUM_QUEUES, config.numQueues());
    }
    if (driverOverride != null) {
      p.put(DRIVER_OVERRIDE, driverOverride);
    }
    return p;
  }

  /** The same device with another override. */
  KeptConfig withOverride(String driver) {
    return new KeptConfig(mgmtdev, config, driver);
  }

  /** The same device with another MAC. */
  KeptConfig withMac(MacAddress mac) {
    return new KeptConfig(mgmtdev, config.withMac(mac), driverOverride);
  }

  private static String string(Map<String, ?> p, String key) {
    Object v = p.get(key);
    return v == null || v.toString().isBlank() ? null : v.toString().trim();
  }

  private static Long longValue(Map<String, ?> p, String key) {
    Object v = p.get(key);
    if (v == null || v.toString().isBlank()) {
      return null;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + v + "' is not a number");
    }
  }

  private static Boolean flag(Map<String, ?> p, String key) {
    Object v = p.get(key);
    if (v == null || v.toString().isBlank()) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    return switch (v.toString().trim()) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException(key + " '" + v + "' is not true or false");
    };
  }

  private static Integer integer(Map<String, ?> p, String key) {
    Object v = p.get(key);
    if (v == null || v.toString().isBlank()) {
      return null;
    }
    if (v instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + v + "' is not a number");
    }
  }
}
