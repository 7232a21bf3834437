package net.vdpa.driver.vhost;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import net.vdpa.unix.LibC;

/**
 * The driver's configuration, checked: the match score, where each device's vhost-user socket goes
 * (a socket the backend listens on, or one a frontend listens on that the backend connects to), the
 * deadlines a frontend must keep, and what memory is accepted.
 *
 * @param score the match score, 0 or more
 * @param socketDir the directory of default socket paths
 * @param privateDir true if {@code socketDir} is the runtime's default (must be mode 0700)
 * @param sockets explicit socket paths by device name (the backend listens)
 * @param clients frontend socket paths by device name (the backend connects: client mode)
 * @param handshakeMillis how long a frontend has to send SET_OWNER
 * @param idleMillis how long a frontend may be idle before a newcomer takes the device (0: never)
 * @param messageMillis how long a begun message or an unread reply may take
 * @param strictMemory refuse unsealable memory from every frontend
 * @param reconnect how often a client-mode backend retries while its frontend is away
 * @param offerConfig offer the CONFIG protocol feature
 */
record Settings(int score, Path socketDir, boolean privateDir, Map<String, Path> sockets, Map<String, Path> clients,
    int handshakeMillis, int idleMillis, int messageMillis, boolean strictMemory, Reconnect reconnect,
    boolean offerConfig) {

  /**
   * How a client-mode backend retries: after {@code minMillis}, doubling up to {@code maxMillis}
   * between attempts, and one warning once the frontend has been away {@code warnAfterMillis}.
   *
   * @param minMillis the first pause, at least 1
   * @param maxMillis the longest pause, at least {@code minMillis}
   * @param warnAfterMillis how long a frontend may be away before one warning says so
   */
  record Reconnect(int minMillis, int maxMillis, int warnAfterMillis) {
    /** The defaults: 100 ms doubling to 2 s, a warning after a minute. */
    static final Reconnect DEFAULT = new Reconnect(100, 2_000, 60_000);

    /** Checks the values. */
    Reconnect {
      if (minMillis < 1) {
        throw new IllegalArgumentException("reconnect_min_ms " + minMillis + " is below 1");
      }
      if (maxMillis < minMillis) {
        throw new IllegalArgumentException("reconnect_max_ms " + maxMillis + " is below reconnect_min_ms " + minMillis);
      }
      if (warnAfterMillis < 1) {
        throw new IllegalArgumentException("reconnect warning after " + warnAfterMillis + " ms is below 1");
      }
    }

    /**
     * The pause after one that lasted {@code millis}.
     *
     * @param millis the last pause
     * @return twice as long, at most {@link #maxMillis()}
     */
    int next(int millis) {
      return (int) Math.min((long) millis * 2, maxMillis);
    }
  }

  /** Checks the values and copies the maps. */
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
    for (String device : clients.keySet()) {
      if (sockets.containsKey(device)) {
        throw new IllegalArgumentException("device " + device + " is in both sockets and clients: the backend either"
            + " listens (sockets) or connects (clients)");
      }
    }
    for (Map.Entry<String, Path> c : clients.entrySet()) {
      int bytes = c.getValue().toString().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > LibC.MAX_PATH_BYTES) {
        throw new IllegalArgumentException("client socket path " + c.getValue() + " of device " + c.getKey() + " is "
            + bytes + " bytes, longer than the " + LibC.MAX_PATH_BYTES + " a Unix socket allows");
      }
    }
    sockets = Map.copyOf(sockets);
    clients = Map.copyOf(clients);
    if (reconnect == null) {
      reconnect = Reconnect.DEFAULT;
    }
  }

  /**
   * Settings without client-mode devices and with the default reconnect pacing.
   *
   * @param score the match score
   * @param socketDir the directory of default socket paths
   * @param privateDir true if {@code socketDir} is the runtime's default
   * @param sockets explicit socket paths by device name
   * @param handshakeMillis the handshake deadline
   * @param idleMillis the idle timeout
   * @param messageMillis the message deadline
   * @param strictMemory refuse unsealable memory from every frontend
   * @param offerConfig offer the CONFIG protocol feature
   */
  Settings(int score, Path socketDir, boolean privateDir, Map<String, Path> sockets, int handshakeMillis,
      int idleMillis, int messageMillis, boolean strictMemory, boolean offerConfig) {
    this(score, socketDir, privateDir, sockets, Map.of(), handshakeMillis, idleMillis, messageMillis, strictMemory,
        Reconnect.DEFAULT, offerConfig);
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
    Map<String, Path> sockets = entries("socket", c.sockets());
    Map<String, Path> clients = entries("client", c.clients());
    return new Settings(c.score(), dir.isEmpty() ? defaultDir : Path.of(dir).toAbsolutePath(), dir.isEmpty(), sockets,
        clients, c.handshake_timeout_ms(), c.idle_timeout_ms(), c.message_timeout_ms(), c.strict_memory(),
        new Reconnect(c.reconnect_min_ms(), c.reconnect_max_ms(), Reconnect.DEFAULT.warnAfterMillis()),
        c.offer_config());
  }

  /** Parses {@code DEVICE=PATH} entries; a device named twice is refused. */
  private static Map<String, Path> entries(String kind, String[] entries) {
    Map<String, Path> map = new HashMap<>();
    for (String entry : entries == null ? new String[0] : entries) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1 || entry.substring(0, eq).isBlank() || entry.substring(eq + 1).isBlank()) {
        throw new IllegalArgumentException(kind + " entry '" + entry + "' is not DEVICE=PATH");
      }
      String device = entry.substring(0, eq).trim();
      Path path;
      try {
        path = Path.of(entry.substring(eq + 1).trim()).toAbsolutePath();
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(kind + " entry '" + entry + "' has an invalid path: " + e.getReason());
      }
      if (map.put(device, path) != null && kind.equals("client")) {
        throw new IllegalArgumentException("device " + device + " has two client entries");
      }
    }
    return map;
  }

  /**
   * The socket path of a device.
   *
   * @param device the device name
   * @return its configured path (a client's frontend socket, or a listening path), or
   *     {@code <socketDir>/<device>.sock}
   */
  Path socketFor(String device) {
    Path p = clients.containsKey(device) ? clients.get(device) : sockets.get(device);
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
    return !sockets.containsKey(device) && !clients.containsKey(device);
  }

  /**
   * The frontend socket a device's backend connects to, if the device is in client mode.
   *
   * @param device the device name
   * @return the path, or null if the backend listens for that device
   */
  Path clientFor(String device) {
    return clients.get(device);
  }
}
