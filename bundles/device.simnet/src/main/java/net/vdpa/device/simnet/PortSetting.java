package net.vdpa.device.simnet;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Objects;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.WireKind;

/**
 * What a port is set to, as kept: its wire and its link state. Checked in its constructor, so a
 * kept setting read back from storage is either whole or refused with a reason.
 *
 * @param device the device name
 * @param wire the wire
 * @param peer the device at the other end of a cable, else null
 * @param file the capture file (absolute), else null
 * @param linkUp the link state
 * @param socket the addresses of a udp or stream wire, else null
 */
record PortSetting(String device, WireKind wire, String peer, Path file, boolean linkUp, SocketAddresses socket) {
  /** Property: the device name. */
  static final String DEVICE = "device";
  /** Property: {@code loopback}, {@code cable} or {@code capture}. */
  static final String WIRE = "wire";
  /** Property: the cable's other end. */
  static final String PEER = "peer";
  /** Property: the capture file. */
  static final String FILE = "file";
  /** Property: {@code up} or {@code down}. */
  static final String LINK = "link";
  /** Property: a udp wire's or stream listener's address, {@code HOST:PORT}. */
  static final String LOCAL = "local";
  /** Property: a udp wire's or stream connector's peer, {@code HOST:PORT}. */
  static final String REMOTE = "remote";

  /** Checks the fields against each other. */
  PortSetting {
    if (device == null || device.isEmpty()) {
      throw new IllegalArgumentException("port setting has no device");
    }
    Objects.requireNonNull(wire, "wire");
    if (wire == WireKind.CABLE && (peer == null || peer.isEmpty())) {
      throw new IllegalArgumentException("port " + device + ": a cable needs a peer");
    }
    if (wire == WireKind.CABLE && peer.equals(device)) {
      throw new IllegalArgumentException("port " + device + ": a cable cannot join a port to itself");
    }
    if (wire == WireKind.CAPTURE && file == null) {
      throw new IllegalArgumentException("port " + device + ": a capture needs a file");
    }
    boolean sock = wire == WireKind.UDP || wire == WireKind.STREAM;
    if (sock && socket == null) {
      throw new IllegalArgumentException("port " + device + ": a " + name(wire) + " wire needs an address");
    }
    if (wire == WireKind.UDP && (socket.local() == null || socket.remote() == null)) {
      throw new IllegalArgumentException("port " + device + ": a udp wire needs a local and a remote address");
    }
    if (wire == WireKind.STREAM && socket.local() != null && socket.remote() != null) {
      throw new IllegalArgumentException("port " + device + ": a stream wire listens or connects, not both");
    }
    if (!sock) {
      socket = null;
    }
    if (wire != WireKind.CABLE) {
      peer = null;
    }
    if (wire != WireKind.CAPTURE) {
      file = null;
    } else {
      file = file.toAbsolutePath().normalize();
    }
  }

  /**
   * The setting of a port nobody has touched: loopback, link up.
   *
   * @param device the device
   * @return the default
   */
  static PortSetting defaults(String device) {
    return new PortSetting(device, WireKind.LOOPBACK, null, null, true, null);
  }

  /**
   * Whether this is the default, which need not be kept.
   *
   * @return true for loopback with the link up
   */
  boolean isDefault() {
    return wire == WireKind.LOOPBACK && linkUp;
  }

  /**
   * The same link state on another wire.
   *
   * @param kind the wire
   * @param peerName the cable's peer or null
   * @param path the capture file or null
   * @return the new setting
   */
  PortSetting withWire(WireKind kind, String peerName, Path path) {
    return new PortSetting(device, kind, peerName, path, linkUp, null);
  }

  /**
   * The same link state on a socket wire.
   *
   * @param kind udp or stream
   * @param addresses its addresses
   * @return the new setting
   * @throws IllegalArgumentException if the kind and addresses do not go together
   */
  PortSetting withSocket(WireKind kind, SocketAddresses addresses) {
    if (kind != WireKind.UDP && kind != WireKind.STREAM) {
      throw new IllegalArgumentException("wire " + name(kind) + " is not udp or stream");
    }
    return new PortSetting(device, kind, null, null, linkUp, addresses);
  }

  /**
   * The same wire with another link state.
   *
   * @param up the link state
   * @return the new setting
   */
  PortSetting withLink(boolean up) {
    return new PortSetting(device, wire, peer, file, up, socket);
  }

  /**
   * The setting as configuration properties.
   *
   * @return the properties
   */
  Dictionary<String, Object> toProperties() {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(DEVICE, device);
    p.put(WIRE, name(wire));
    if (socket != null && socket.local() != null) {
      p.put(LOCAL, SocketAddresses.text(socket.local()));
    }
    if (socket != null && socket.remote() != null) {
      p.put(REMOTE, SocketAddresses.text(socket.remote()));
    }
    if (peer != null) {
      p.put(PEER, peer);
    }
    if (file != null) {
      p.put(FILE, file.toString());
    }
    p.put(LINK, linkUp ? "up" : "down");
    return p;
  }

  /**
   * Reads a setting back from configuration properties.
   *
   * @param p the properties
   * @return the setting
   * @throws IllegalArgumentException naming the property that is wrong
   */
  static PortSetting from(Dictionary<String, ?> p) {
    String device = text(p, DEVICE);
    String wire = text(p, WIRE);
    WireKind kind;
    try {
      kind = WireKind.valueOf(wire == null ? "" : wire.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("wire '" + wire + "' is not loopback, cable, capture, udp or stream");
    }
    String link = text(p, LINK);
    boolean up;
    if (link == null || link.equals("up")) {
      up = true;
    } else if (link.equals("down")) {
      up = false;
    } else {
      throw new IllegalArgumentException("link '" + link + "' is not up or down");
    }
    String file = text(p, FILE);
    Path path;
    try {
      path = file == null ? null : Path.of(file);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("file '" + file + "' is not a path: " + e.getReason());
    }
    String local = text(p, LOCAL);
    String remote = text(p, REMOTE);
    SocketAddresses socket = null;
    if (kind == WireKind.UDP || kind == WireKind.STREAM) {
      if (local == null && remote == null) {
        throw new IllegalArgumentException("port " + device + ": a " + name(kind) + " wire needs local or remote");
      }
      socket = new SocketAddresses(local == null ? null : SocketAddresses.address(local),
          remote == null ? null : SocketAddresses.address(remote));
    }
    return new PortSetting(device, kind, text(p, PEER), path, up, socket);
  }

  private static String name(WireKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private static String text(Dictionary<String, ?> p, String key) {
    Object v = p.get(key);
    return v == null ? null : v.toString();
  }
}
