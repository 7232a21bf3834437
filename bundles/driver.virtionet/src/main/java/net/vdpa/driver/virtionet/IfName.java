package net.vdpa.driver.virtionet;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The name of a device's network interface, derived from the device name alone, so the same device
 * gets the same interface after any restart, rebind or driver update, whatever the order devices
 * are bound in (udev's predictable names, not the kernel's {@code ethN} order).
 *
 * <ul>
 *   <li>{@code vdpaN} (N decimal digits) → {@code vnetN}: the default device {@code vdpa0} is
 *       {@code vnet0};
 *   <li>any other device {@code D} → {@code vnet-D} ({@code foo} → {@code vnet-foo});
 *   <li>where that is longer than {@link #MAX} characters (Linux's IFNAMSIZ less the NUL), the
 *       device name is cut to 6 characters and followed by 4 hex digits of a hash of the whole
 *       name ({@code vnet-longna3f1c}), so long names that share a prefix still differ.
 * </ul>
 *
 * <p>Characters a device name may hold but an interface name should not (anything outside
 * letters, digits, {@code _ - .}) become {@code _}. Two devices can still meet on one name (a
 * hash collision, or {@code a/b} and {@code a_b}); the driver then refuses the second and says
 * which device holds the name.
 */
final class IfName {
  /** The longest interface name: IFNAMSIZ (16) less the terminating NUL. */
  static final int MAX = 15;
  private static final String PREFIX = "vnet";
  private static final int KEPT = MAX - PREFIX.length() - 1 - 4;

  private IfName() {}

  /**
   * The interface name of a device.
   *
   * @param device the device name
   * @return the interface name, at most {@link #MAX} characters
   */
  static String of(String device) {
    if (device.length() > 4 && device.startsWith("vdpa") && digits(device, 4)
        && PREFIX.length() + device.length() - 4 <= MAX) {
      return PREFIX + device.substring(4);
    }
    String safe = safe(device);
    String full = PREFIX + "-" + safe;
    if (full.length() <= MAX) {
      return full;
    }
    return PREFIX + "-" + safe.substring(0, KEPT) + String.format(Locale.ROOT, "%04x", hash16(device));
  }

  private static boolean digits(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String safe(String device) {
    StringBuilder b = new StringBuilder(device.length());
    for (int i = 0; i < device.length(); i++) {
      char c = device.charAt(i);
      boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
      b.append(ok ? c : '_');
    }
    return b.toString();
  }

  /** FNV-1a over the UTF-8 bytes, folded to 16 bits: stable across runs and JVMs. */
  private static int hash16(String s) {
    int h = 0x811c9dc5;
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (x & 0xff)) * 0x01000193;
    }
    return (h ^ (h >>> 16)) & 0xffff;
  }
}
