package net.vdpa.driver.vhost;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The driver's configuration, checked: the match score, where each device's vhost-user socket goes,
 * the deadlines a frontend must keep, and what memory is accepted.
 *
 * @param score the match score, 0 or more
 * @param socketDir the directory of default socket paths
 * @param privateDir true if {@code socketDir} is the runtime's default (must be mode 0700)
 * @param sockets explicit socket paths by device name
 * @param handshakeMillis how long a frontend has to send SET_OWNER
 * @param idleMillis how long a frontend may be idle before a newcomer takes the device (0: never)
 * @param messageMillis how long a begun message or an unread reply may take
 * @param strictMemory refuse unsealable memory from every frontend
 * @param offerConfig offer the CONFIG protocol feature
 */
record Settings(int score, Path socketDir, boolean privateDir, Map<String, Path> sockets, int handshakeMillis,
    int idleMillis, int messageMillis, boolean strictMemory, boolean offerConfig) {

  /** Checks the values and copies the map. */
  Settings {
    if (score < 0) {
      throw new IllegalArgumentException("vhost driver score " + score + " is negative");
    }
    if (handshakeMillis < 1) {
      throw new IllegalArgumentException("handshake_timeout_ms " + handshakeMillis + " is below 1");
    }
    if (idleMillis < 0) {
      throw new IllegalArgumentException("idle_timeout_ms " + idleMillis + " is negative");
    }
    if (messageMillis < 1) {
      throw new IllegalArgumentException("message_timeout_ms " + messageMillis + " is below 1");
    }
    sockets = Map.copyOf(sockets);
  }

  /**
   * Reads a component configuration.
   *
   * @param c the configuration
   * @param defaultDir the runtime's private socket directory, used when {@code socket_dir} is empty
   * @return the settings
   * @throws IllegalArgumentException if a value is malformed (the message names it)
   */
  static Settings from(DriverConfig c, Path defaultDir) {
    String dir = c.socket_dir() == null ? "" : c.socket_dir().trim();
    Map<String, Path> map = new HashMap<>();
    for (String entry : c.sockets() == null ? new String[0] : c.sockets()) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("socket entry '" + entry + "' is not DEVICE=PATH");
      }
      map.put(entry.substring(0, eq).trim(), Path.of(entry.substring(eq + 1).trim()).toAbsolutePath());
    }
    return new Settings(c.score(), dir.isEmpty() ? defaultDir : Path.of(dir).toAbsolutePath(), dir.isEmpty(), map,
        c.handshake_timeout_ms(), c.idle_timeout_ms(), c.message_timeout_ms(), c.strict_memory(),
        c.offer_config());
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
   * Whether the socket of a device lives in the socket directory (checked and created by the
   * driver) rather than at an explicit path.
   *
   * @param device the device name
   * @return true if the path is in {@link #socketDir()}
   */
  boolean inSocketDir(String device) {
    return !sockets.containsKey(device);
  }
}
