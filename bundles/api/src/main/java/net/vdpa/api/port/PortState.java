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
 * @param connected whether the wire carries frames now: false while the device is absent, and for a
 *     cable whose peer is absent (frames sent into it are dropped and counted)
 */
public record PortState(String port, WireKind wire, String peer, Path file, boolean linkUp, boolean present,
    boolean connected) {

  /** Checks that the peer and file go with the wire. */
  public PortState {
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(wire, "wire");
    if ((wire == WireKind.CABLE) != (peer != null)) {
      throw new IllegalArgumentException("port " + port + ": a peer goes with a cable only (wire " + wire + ", peer " + peer + ")");
    }
    if ((wire == WireKind.CAPTURE) != (file != null)) {
      throw new IllegalArgumentException("port " + port + ": a file goes with a capture only (wire " + wire + ", file " + file + ")");
    }
  }
}
