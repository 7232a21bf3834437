package net.vdpa.api.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The ports of one device kind, registered by its bundle (the simulated NIC's, a SmartNIC's): each
 * port is plugged into one wire at a time — loopback (the default: what it transmits it receives),
 * a cable to another port of the same provider, or a capture file (what it transmits is written to
 * a classic pcap file, Ethernet link type, that Wireshark and tshark open).
 *
 * <p>Replugging a port unplugs it first: a cable's other end goes back to loopback.
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
