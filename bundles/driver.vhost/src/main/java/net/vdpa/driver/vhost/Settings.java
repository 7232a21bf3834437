package net.vdpa.driver.vhost;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The driver's configuration, checked: the match score and where each device's vhost-user socket
 * goes.
 *
 * @param score the match score, 0 or more
 * @param socketDir the directory of default socket paths
 * @param sockets explicit socket paths by device name
 */
record Settings(int score, Path socketDir, Map<String, Path> sockets) {

  /** Checks the score and copies the map. */
  Settings {
    if (score < 0) {
      throw new IllegalArgumentException("vhost driver score " + score + " is negative");
    }
    sockets = Map.copyOf(sockets);
  }

  /**
   * Reads a component configuration.
   *
   * @param c the configuration
   * @return the settings
   * @throws IllegalArgumentException if a value is malformed (the message names it)
   */
  static Settings from(DriverConfig c) {
    String dir = c.socket_dir() == null ? "" : c.socket_dir().trim();
    Path socketDir = dir.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "vdpa-vhost") : Path.of(dir);
    Map<String, Path> map = new HashMap<>();
    for (String entry : c.sockets() == null ? new String[0] : c.sockets()) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("socket entry '" + entry + "' is not DEVICE=PATH");
      }
      map.put(entry.substring(0, eq).trim(), Path.of(entry.substring(eq + 1).trim()));
    }
    return new Settings(c.score(), socketDir, map);
  }

  /**
   * The socket path of a device.
   *
   * @param device the device name
   * @return its configured path, or {@code <socketDir>/<device>.sock}
   */
  Path socketFor(String device) {
    Path p = sockets.get(device);
    return p != null ? p : socketDir.resolve(device + ".sock");
  }

  /**
   * Whether the socket of a device lives in the driver's own directory (which the driver creates
   * with mode 0700).
   *
   * @param device the device name
   * @return true if the path is the default one
   */
  boolean ownsDirectoryOf(String device) {
    return !sockets.containsKey(device);
  }
}
