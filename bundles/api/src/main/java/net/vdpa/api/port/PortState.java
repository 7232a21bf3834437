package net.vdpa.api.port;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A port as kept and as it is now: the wire it is plugged into, its link state, and whether that
 * setting is in force. A setting outlives its device's absence (a restart, the device bundle
 * stopped): it is applied again when the device appears, and a cable whose other end is absent
 * waits for it.
 *
 * @param port the port's name (a simulated NIC's one port is named after its device)
 * @param wire the wire
 * @param peer the port at the other end of a {@link WireKind#CABLE}, else null
 * @param file the capture file of a {@link WireKind#CAPTURE}, else null
 * @param linkUp the link state the device reports
 * @param present whether the port's device exists now (false: the setting waits for it)
 * @param connected whether the wire carries frames now: false while the device is absent, for a
 *     cable whose peer is absent (frames sent into it are dropped and counted), and for a stream
 *     wire with no peer connected
 * @param socket the addresses of a {@link WireKind#UDP} or {@link WireKind#STREAM} wire, else null
 */
public record PortState(String port, WireKind wire, String peer, Path file, boolean linkUp, boolean present,
    boolean connected, SocketAddresses socket) {

  /**
   * A port on a wire without a socket (the components of version 1.0).
   *
   * @param port the port's name
   * @param wire the wire
   * @param peer the cable's other end, else null
   * @param file the capture file, else null
   * @param linkUp the link state
   * @param present whether the device exists now
   * @param connected whether the wire carries frames now
   */
  public PortState(String port, WireKind wire, String peer, Path file, boolean linkUp, boolean present,
      boolean connected) {
    this(port, wire, peer, file, linkUp, present, connected, null);
  }

  /** Checks that the peer, file and socket go with the wire. */
  public PortState {
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(wire, "wire");
    boolean sock = wire == WireKind.UDP || wire == WireKind.STREAM;
    if (sock != (socket != null)) {
      throw new IllegalArgumentException("port " + port + ": addresses go with a udp or stream wire only (wire " + wire + ")");
    }
    if (wire == WireKind.UDP && (socket.local() == null || socket.remote() == null)) {
      throw new IllegalArgumentException("port " + port + ": a udp wire needs a local and a remote address");
    }
    if (wire == WireKind.STREAM && socket.local() != null && socket.remote() != null) {
      throw new IllegalArgumentException("port " + port + ": a stream wire listens or connects, not both");
    }
    if ((wire == WireKind.CABLE) != (peer != null)) {
      throw new IllegalArgumentException("port " + port + ": a peer goes with a cable only (wire " + wire + ", peer " + peer + ")");
    }
    if ((wire == WireKind.CAPTURE) != (file != null)) {
      throw new IllegalArgumentException("port " + port + ": a file goes with a capture only (wire " + wire + ", file " + file + ")");
    }
  }
}
