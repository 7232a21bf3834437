package net.vdpa.device.simnet;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.WireKind;

/** Opens the socket wire a setting names. */
final class SocketWires {
  private SocketWires() {}

  /**
   * Opens a UDP or stream wire for a port (binds its socket and starts its receive thread).
   *
   * @param kind udp or stream
   * @param port the port
   * @param addresses its addresses, checked against the kind
   * @param log where the wire reports
   * @return the open wire, not yet plugged
   * @throws IOException if the local address cannot be bound
   */
  static SocketWire open(WireKind kind, Port port, SocketAddresses addresses, EventLog log) throws IOException {
    return switch (kind) {
      case UDP -> {
        if (addresses.local() == null || addresses.remote() == null) {
          throw new IllegalArgumentException("a udp wire needs a local and a remote address");
        }
        yield new UdpWire(port, addresses, log);
      }
      case STREAM -> {
        if (addresses.local() != null && addresses.remote() != null) {
          throw new IllegalArgumentException("a stream wire listens or connects, not both");
        }
        yield new StreamWire(port, addresses, log);
      }
      default -> throw new IllegalArgumentException("wire " + kind + " is not udp or stream");
    };
  }

  /**
   * A bind failure as one line naming the address.
   *
   * @param local the address
   * @param e what the socket said
   * @return {@code local address 127.0.0.1:5555 is in use}, or {@code ... cannot be bound: WHY}
   */
  static BindException bindFailed(InetSocketAddress local, BindException e) {
    String why = e.getMessage() == null ? "" : e.getMessage();
    return new BindException("local address " + SocketAddresses.text(local)
        + (why.contains("in use") ? " is in use" : " cannot be bound: " + why));
  }
}
