package net.vdpa.api.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The ports of the simulated NICs, registered by the simulated NIC bundle. Every simulated NIC has
 * one port, plugged into one wire at a time: loopback (the default: what it transmits it
 * receives), a cable to another simulated NIC's port, or a capture file (what it transmits is
 * written to a classic pcap file, Ethernet link type, that Wireshark and tshark open).
 *
 * <p>Replugging a port unplugs it first: a cable's other end goes back to loopback.
 *
 * <p>Every setting is kept with the device, by name, and applied again whenever the device
 * appears (after a restart, when the device bundle starts again, when the device is created
 * again): a cable waits for its other end, a capture file is appended to. Deleting the device's
 * kept configuration ({@code vdpa:dev del}) forgets its port, and a cable to it goes back to
 * loopback. Frames a wire cannot carry (link down, a cable whose peer is absent or not receiving)
 * are counted as the sender's transmit drops.
 */
@ProviderType
public interface SimNetPorts {

  /**
   * Plugs a device's port into loopback.
   *
   * @param device the device name
   * @throws IllegalArgumentException if there is no simulated NIC of that name
   */
  void loopback(String device);

  /**
   * Joins two devices' ports with a cable: what one transmits, the other receives.
   *
   * @param a one device
   * @param b another device
   * @throws IllegalArgumentException if either does not exist, or both are the same
   */
  void cable(String a, String b);

  /**
   * Plugs a device's port into a capture file, created or truncated.
   *
   * @param device the device name
   * @param file the pcap file
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException if there is no simulated NIC of that name
   */
  void capture(String device, Path file) throws IOException;

  /**
   * Says what a device's port is plugged into.
   *
   * @param device the device name
   * @return {@code loopback}, {@code cable DEV} ({@code cable DEV (waiting for DEV)} while DEV is
   *     absent) or {@code capture FILE}
   * @throws IllegalArgumentException if there is no simulated NIC of that name
   */
  String wire(String device);

  /**
   * Sets the link state a device reports in its config space; a change bumps the config
   * generation and calls the driver's config callback.
   *
   * @param device the device name
   * @param up true for link up
   * @throws IllegalArgumentException if there is no simulated NIC of that name
   */
  void setLink(String device, boolean up);

  /**
   * A port's kept setting and present state.
   *
   * @param device the device name
   * @return the port
   * @throws IllegalArgumentException if there is no simulated NIC of that name and nothing kept for it
   * @since 1.1
   */
  PortState port(String device);

  /**
   * Every port: those of the present simulated NICs and the kept settings of absent ones.
   *
   * @return the ports, by device name
   * @since 1.1
   */
  List<PortState> ports();
}
