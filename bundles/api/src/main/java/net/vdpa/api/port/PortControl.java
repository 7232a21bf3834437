package net.vdpa.api.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The ports of one device kind, registered by its bundle (the simulated NIC's, a SmartNIC's): each
 * port is plugged into one wire at a time — loopback (the default: what it transmits it receives),
 * a cable to another port of the same provider, a capture file (what it transmits is written to
 * a classic pcap file, Ethernet link type, that Wireshark and tshark open), or a socket that QEMU's
 * network backends speak: UDP, one frame per datagram, or TCP, each frame after its 4-byte
 * big-endian length, listening or connecting (and connecting again when the peer goes away).
 *
 * <p>Sockets carry frames as they are: no authentication, no encryption. They bind to loopback
 * unless an address is named; use other addresses on a private network only.
 *
 * <p>Replugging a port unplugs it first: a cable's other end goes back to loopback.
 *
 * <p>A cable between ports of two providers ({@link #end} and {@link #join} since 1.2) is made by
 * whoever holds both services (the shell): each port's {@link PortEnd} is handed to the other
 * provider. Such a cable is not kept: it lasts until either end is unplugged, its device deleted or
 * its bundle stopped, and then the other end is unplugged too.
 *
 * <p>Every setting is kept by port name and applied again whenever the port's device appears (after
 * a restart, when the device bundle starts again, when the device is created again): a cable waits
 * for its other end, a capture file is appended to. Deleting the device's kept configuration
 * forgets its ports, and a cable to one goes back to loopback. Frames a wire cannot carry (link
 * down, a cable whose peer is absent or not receiving) are counted as the sender's transmit drops.
 */
@ProviderType
public interface PortControl {

  /**
   * Who offers these ports, for messages and listings.
   *
   * @return the management device's handle, such as {@code vdpasim_net}
   */
  String provider();

  /**
   * Whether a port is one of these (present, or kept for an absent device).
   *
   * @param port the port name
   * @return true if {@link #port(String)} knows it
   */
  boolean owns(String port);

  /**
   * Plugs a port into loopback.
   *
   * @param port the port name
   * @throws IllegalArgumentException if there is no such port
   */
  void loopback(String port);

  /**
   * Joins two ports with a cable: what one transmits, the other receives.
   *
   * @param a one port
   * @param b another port
   * @throws IllegalArgumentException if either does not exist, or both are the same
   */
  void cable(String a, String b);

  /**
   * Plugs a port into a capture file, created or truncated.
   *
   * @param port the port name
   * @param file the pcap file
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException if there is no such port
   */
  void capture(String port, Path file) throws IOException;

  /**
   * Plugs a port into a socket: {@link WireKind#UDP} (both addresses) or {@link WireKind#STREAM}
   * (a local address to listen on, or a remote one to connect to). The socket is bound before
   * anything changes, so a port in use leaves the port as it was.
   *
   * <p>A provider whose ports cannot be plugged into sockets refuses (the default).
   *
   * @param port the port name
   * @param kind {@link WireKind#UDP} or {@link WireKind#STREAM}
   * @param addresses the socket's addresses, as {@link SocketAddresses} documents per kind
   * @throws IOException if the local address cannot be bound (in use, not an address of this host)
   * @throws IllegalArgumentException if there is no such port, or the kind and addresses do not go
   *     together
   * @since 1.1
   */
  default void socket(String port, WireKind kind, SocketAddresses addresses) throws IOException {
    throw new IllegalArgumentException(provider() + " ports cannot be plugged into sockets");
  }

  /**
   * What a port's UDP or stream wire carried since it was plugged in, and its peer now.
   *
   * @param port the port name
   * @return the socket's counters, or empty if the port is not plugged into a socket now
   * @throws IllegalArgumentException if there is no such port and nothing kept for it
   * @since 1.1
   */
  default Optional<SocketStats> socketStats(String port) {
    return Optional.empty();
  }

  /**
   * Takes a port off its wire, to the state its provider calls unplugged: a simulated NIC's port goes
   * back to loopback (the default), an uplink to no wire at all (no carrier).
   *
   * @param port the port name
   * @throws IllegalArgumentException if there is no such port
   * @since 1.2
   */
  default void unplug(String port) {
    loopback(port);
  }

  /**
   * The end of a port that another provider's port can be cabled to ({@link #join}): it takes
   * frames into the port. Nothing changes until the port is joined.
   *
   * <p>A provider whose ports cannot be cabled to another provider's refuses (the default).
   *
   * @param port the port name
   * @return the port's end
   * @throws IllegalArgumentException if there is no such port (present now), or it has a cable already
   * @since 1.2
   */
  default PortEnd end(String port) {
    throw new IllegalArgumentException(provider() + " ports cannot be cabled to another provider's (port " + port + ")");
  }

  /**
   * Plugs a port into a cable to another provider's port: what the port transmits goes to
   * {@code far}; what arrives through this port's own {@link #end} the port receives. The port's
   * previous wire is unplugged first. Shown as a {@link WireKind#CABLE} whose peer is
   * {@code far.port()}; not kept across restarts.
   *
   * @param port the port name
   * @param far the other port's end
   * @throws IllegalArgumentException if there is no such port (present now), or it has a cable already
   * @since 1.2
   */
  default void join(String port, PortEnd far) {
    throw new IllegalArgumentException(provider() + " ports cannot be cabled to another provider's (port " + port + ")");
  }

  /**
   * Joins two ports of any providers with a cable through their ends: both ends are taken first
   * (so a port that has a cable, or is absent, refuses before anything changes), then each port is
   * joined to the other's end; if the second join fails, the first is undone.
   *
   * @param p the provider of {@code a}
   * @param a one port
   * @param q the provider of {@code b} (may be {@code p})
   * @param b the other port
   * @throws IllegalArgumentException if a port is absent, has a cable already, cannot be cabled to
   *     another provider's, or both are the same port
   * @since 1.2
   */
  static void cable(PortControl p, String a, PortControl q, String b) {
    if (p == q && a.equals(b)) {
      throw new IllegalArgumentException("cannot cable port " + a + " to itself");
    }
    PortEnd ea = p.end(a);
    PortEnd eb = q.end(b);
    p.join(a, eb);
    try {
      q.join(b, ea);
    } catch (RuntimeException e) {
      // a's cable to b never carried anything: a lets go of it as if b had unplugged
      ea.unplugged();
      throw e;
    }
  }

  /**
   * Sets the link state a port's device reports in its config space; a change bumps the config
   * generation and calls the driver's config callback.
   *
   * @param port the port name
   * @param up true for link up
   * @throws IllegalArgumentException if there is no such port
   */
  void setLink(String port, boolean up);

  /**
   * A port's kept setting and present state.
   *
   * @param port the port name
   * @return the port
   * @throws IllegalArgumentException if there is no such port and nothing kept for it
   */
  PortState port(String port);

  /**
   * Every port: those of the present devices and the kept settings of absent ones.
   *
   * @return the ports, by name
   */
  List<PortState> ports();

  /**
   * What a port carried since its device was last reset.
   *
   * @param port the port name
   * @return its counters (all zero while its device is absent)
   * @throws IllegalArgumentException if there is no such port and nothing kept for it
   */
  PortCounters counters(String port);
}
