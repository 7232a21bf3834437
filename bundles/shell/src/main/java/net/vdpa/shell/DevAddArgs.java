package net.vdpa.shell;

import java.util.List;
import java.util.Locale;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;

/**
 * Parses the attributes of {@code vdpa dev add} ({@code name NAME mgmtdev MGMTDEV [device_features
 * HEX] [mac MAC] [mtu MTU] [max_vqp N] [capacity SIZE] [file PATH] [ro] [num_queues N]}) into a management device handle and a validated {@link
 * DevConfig}. Errors are one line naming the bad word or value, worded as iproute2 words them.
 *
 * @param mgmtdev the management device handle
 * @param config the device to create
 */
record DevAddArgs(String mgmtdev, DevConfig config) {

  static DevAddArgs parse(List<String> words) {
    String name = null;
    String mgmtdev = null;
    MacAddress mac = null;
    Integer mtu = null;
    Integer maxVqp = null;
    Long features = null;
    Long capacity = null;
    String file = null;
    Boolean readOnly = null;
    Integer numQueues = null;
    for (int i = 0; i < words.size(); i += 2) {
      String key = words.get(i);
      if (key.equals("ro")) {
        // a flag, as iproute2 writes "up": no value follows
        readOnly = Boolean.TRUE;
        i--;
        continue;
      }
      if (i + 1 >= words.size()) {
        throw new IllegalArgumentException("attribute " + key + " needs a value");
      }
      String value = words.get(i + 1);
      switch (key) {
        case "name" -> name = value;
        case "mgmtdev" -> mgmtdev = value;
        case "mac" -> mac = MacAddress.parse(value);
        case "mtu" -> mtu = number("mtu", value);
        case "max_vqp" -> maxVqp = number("max_vqp", value);
        case "device_features" -> features = hex(value);
        case "capacity" -> capacity = size("capacity", value);
        case "file" -> file = value;
        case "num_queues" -> numQueues = number("num_queues", value);
        default -> throw new IllegalArgumentException("unknown attribute '" + key
            + "': expected name, mgmtdev, device_features, mac, mtu, max_vqp, capacity, file, ro or num_queues");
      }
    }
    if (name == null) {
      throw new IllegalArgumentException("device name is not set.");
    }
    if (mgmtdev == null) {
      throw new IllegalArgumentException("management device handle not set.");
    }
    return new DevAddArgs(mgmtdev, new DevConfig(name, mac, mtu, maxVqp, features, capacity, file, readOnly,
        numQueues));
  }

  /** Bytes, or a number followed by K, M, G or T (powers of 1024). */
  static long size(String what, String value) {
    String v = value.toUpperCase(Locale.ROOT);
    int shift = 0;
    if (!v.isEmpty()) {
      switch (v.charAt(v.length() - 1)) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        case 'T' -> shift = 40;
        default -> shift = 0;
      }
    }
    String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
    try {
      long n = Long.parseLong(digits);
      if (n < 0 || n > Long.MAX_VALUE >> shift) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + value + "' is not a size (bytes, or a number followed by K, M, G or T)");
    }
  }

  static int number(String what, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + value + "' is not a number");
    }
  }

  static long hex(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.startsWith("0x")) {
      v = v.substring(2);
    }
    try {
      return Long.parseUnsignedLong(v, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("device_features '" + value + "' is not a hexadecimal number");
    }
  }
}
