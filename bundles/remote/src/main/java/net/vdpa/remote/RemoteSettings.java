package net.vdpa.remote;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * How this runtime takes part in remote management, read from the {@code net.vdpa.remote}
 * configuration, else from the framework properties of the same names with a {@code vdpa.remote.}
 * prefix ({@code -Dvdpa.remote.export=true}), else the defaults: no export, the machine's host
 * name, the address {@code 127.0.0.1}, any free port, no peers, no ZooKeeper, 3000 ms,
 * a 6000 ms ZooKeeper session. Discovery is either the static list ({@code peers}) or ZooKeeper
 * ({@code zookeeper}), never both.
 *
 * @param export whether the facade carries {@code service.exported.interfaces}
 * @param host the name the other runtimes know this one by
 * @param address the address the export listens on (see {@link AriesTcpBind}) and writes into the
 *     endpoint the others connect to
 * @param port the TCP port of the export, 0 for any free one
 * @param peers the other runtimes' endpoints ({@code tcp://HOST:PORT}), the static discovery list
 * @param timeoutMs how long one remote call may take before it fails (also the endpoint's {@code
 *     osgi.basic.timeout})
 * @param zookeeper the ZooKeeper server ({@code HOST:PORT}) whose registry discovery uses, or {@code
 *     null} for the static list
 * @param sessionMs the ZooKeeper session timeout: how long after a runtime dies its endpoints stay
 *     in the registry (the server clamps it to 2 to 20 of its ticks)
 */
record RemoteSettings(boolean export, String host, String address, int port, List<URI> peers, long timeoutMs,
    URI zookeeper, long sessionMs) {
  static final String PID = "net.vdpa.remote";
  static final String PREFIX = "vdpa.remote.";
  static final long DEFAULT_TIMEOUT_MS = 3000;
  static final long DEFAULT_SESSION_MS = 6000;

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");

  /** Checks every value; the message names the bad one. */
  RemoteSettings {
    if (!HOST.matcher(host).matches()) {
      throw new IllegalArgumentException("host '" + host + "' is not a name of 1 to 64 letters, digits, _ - .");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
    }
    if (timeoutMs < 100 || timeoutMs > 600_000) {
      throw new IllegalArgumentException("timeout " + timeoutMs + " ms is out of range 100..600000");
    }
    if (sessionMs < 1000 || sessionMs > 600_000) {
      throw new IllegalArgumentException("zookeeper.timeout " + sessionMs + " ms is out of range 1000..600000");
    }
    if (zookeeper != null && !peers.isEmpty()) {
      throw new IllegalArgumentException("peers " + peers + " and zookeeper " + zookeeper.getAuthority()
          + " are two discoveries: set one of them");
    }
    peers = List.copyOf(peers);
  }

  /**
   * Reads the settings.
   *
   * @param config the component's configuration (may be empty)
   * @param framework a framework property by its full name, or {@code null}
   */
  static RemoteSettings read(Map<String, ?> config, UnaryOperator<String> framework) {
    UnaryOperator<String> get = key -> {
      Object v = config.get(key);
      return v != null ? String.valueOf(v) : framework.apply(PREFIX + key);
    };
    String host = or(get.apply("host"), RemoteSettings::machineName);
    return new RemoteSettings(Boolean.parseBoolean(get.apply("export")), host,
        or(get.apply("address"), () -> "127.0.0.1"), number("port", get.apply("port"), 0),
        peers(get.apply("peers")), number("timeout", get.apply("timeout"), DEFAULT_TIMEOUT_MS),
        zookeeper(get.apply("zookeeper")), number("zookeeper.timeout", get.apply("zookeeper.timeout"), DEFAULT_SESSION_MS));
  }

  /**
   * Whether anything asks for remote management: without export, peers or ZooKeeper the bundle
   * stays idle.
   */
  boolean active() {
    return export || !peers.isEmpty() || zookeeper != null;
  }

  /** Parses {@code HOST:PORT} of a ZooKeeper server; blank is {@code null} (no ZooKeeper). */
  static URI zookeeper(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    URI u;
    try {
      u = new URI("zk://" + text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("zookeeper '" + text.trim() + "' is not HOST:PORT");
    }
    if (u.getHost() == null || u.getPort() < 1 || !u.getPath().isEmpty() || u.getUserInfo() != null) {
      throw new IllegalArgumentException("zookeeper '" + text.trim() + "' is not HOST:PORT");
    }
    return u;
  }

  /** Parses a comma- or space-separated list of {@code tcp://HOST:PORT}. */
  static List<URI> peers(String text) {
    List<URI> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String s : text.trim().split("[,\\s]+")) {
      URI u;
      try {
        u = new URI(s);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("peer '" + s + "' is not tcp://HOST:PORT");
      }
      if (!"tcp".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
        throw new IllegalArgumentException("peer '" + s + "' is not tcp://HOST:PORT");
      }
      out.add(u);
    }
    return out;
  }

  private static long number(String key, String text, long fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + text + "' is not a number");
    }
  }

  private static int number(String key, String text, int fallback) {
    long v = number(key, text, (long) fallback);
    return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  private static String or(String value, java.util.function.Supplier<String> fallback) {
    return value == null || value.isBlank() ? fallback.get() : value.trim();
  }

  private static String machineName() {
    try {
      String n = InetAddress.getLocalHost().getHostName();
      int dot = n.indexOf('.');
      return dot > 0 ? n.substring(0, dot) : n;
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
