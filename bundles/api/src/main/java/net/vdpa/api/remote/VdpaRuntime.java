package net.vdpa.api.remote;

import java.util.List;
import net.vdpa.api.DevConfig;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The management facade of one runtime: what another runtime's shell may see and do there. The
 * {@code net.vdpa.remote} bundle registers one per runtime; with export on, it carries {@code
 * service.exported.interfaces} and the other runtimes import it.
 *
 * <p>Every method may be called from any thread. Through an imported proxy a call can fail with a
 * runtime exception when the peer is unreachable (Aries RSA's TCP provider throws {@code
 * ServiceException}); a refused request fails with {@link IllegalArgumentException} and a one-line
 * message, as it would locally.
 */
@ProviderType
public interface VdpaRuntime {
  /** The service property naming the runtime's host (the same value as {@link #host()}). */
  String PROP_HOST = "vdpa.host";

  /**
   * The service property of the local facade giving, in milliseconds, how long a caller in this
   * runtime waits for another runtime before it gives up (a {@code Long}).
   */
  String PROP_TIMEOUT = "vdpa.remote.timeout";

  /**
   * The service property of the local facade giving how many runtimes its static peer list names
   * (an {@code Integer}): until that many are imported, discovery is still at work.
   */
  String PROP_PEERS = "vdpa.remote.peers";

  /**
   * The service property of the local facade naming, as {@code HOST:PORT}, the ZooKeeper server
   * discovery uses (a {@code String}); absent with the static list. In that mode the number of
   * other runtimes is what ZooKeeper's registry holds, not {@link #PROP_PEERS}.
   *
   * @since 1.1
   */
  String PROP_ZOOKEEPER = "vdpa.remote.zookeeper";

  /** How many of its latest bus events a runtime keeps for {@link #events}. */
  int EVENTS_KEPT = 1024;

  /** The name that identifies this runtime among the others (configured; the machine's by default). */
  String host();

  /** The runtime's devices, in the bus's order. */
  List<RuntimeDevice> devices();

  /**
   * The runtime's bus at this moment, as {@code VdpaBus.state()} gives it there: every device with
   * its binding state, every driver and management device. An OSGi DTO, not a serialisable record:
   * Aries' TCP provider carries DTOs field by field.
   *
   * @return a snapshot
   * @since 1.1
   */
  BusDTO bus();

  /**
   * The runtime's bus events after a position, as its own {@code vdpa:monitor} prints them: a
   * long poll that returns at once when there are some, else when the first comes or after {@code
   * waitMs}. A caller follows a runtime by passing each batch's {@link EventBatch#next} as the
   * next {@code after}; {@code after} below 0 asks for the position only (no events), to follow
   * from now on.
   *
   * @param after the sequence number of the last event the caller has, or a negative number
   * @param waitMs how long to wait for an event, at most; keep it below the call's timeout
   * @return the events after {@code after}, and what was lost if the runtime no longer keeps some
   * @since 1.2
   */
  EventBatch events(long after, long waitMs);

  /**
   * Creates and keeps a device, as {@code vdpa:dev add} does locally.
   *
   * @param mgmtdev the management device's handle, for example {@code vdpasim_net}
   * @param config the device to create; a {@code file} names a path on that runtime's machine
   * @return the device as listed
   * @throws IllegalArgumentException when the management device is unknown, the name is taken or
   *     the configuration does not fit the management device
   */
  RuntimeDevice addDevice(String mgmtdev, DevConfig config);

  /**
   * Deletes a kept device, as {@code vdpa:dev del} does locally.
   *
   * @param name the device
   * @throws IllegalArgumentException when there is no such device
   */
  void deleteDevice(String name);

  /**
   * Binds an idle device to a driver, as {@code vdpa:dev bind} does locally.
   *
   * @param device the device
   * @param driver the driver
   * @return the device after the probe
   * @throws IllegalArgumentException when the device or driver is unknown or the driver does not
   *     match the device
   * @throws IllegalStateException when the device is already bound (naming its driver) or the probe failed
   * @since 1.2
   */
  DeviceDTO bind(String device, String driver);

  /**
   * Takes a device from its driver, as {@code vdpa:dev unbind} does locally.
   *
   * @param device the device
   * @return the device afterwards
   * @throws IllegalArgumentException when there is no such device
   * @throws IllegalStateException when it is not bound
   * @since 1.2
   */
  DeviceDTO unbind(String device);

  /**
   * Sets or clears a device's driver override and keeps it, as {@code vdpa:dev override} does locally.
   *
   * @param device the device
   * @param driver the driver, or empty to clear ({@code null} clears too, but a {@code null}
   *     argument does not cross Aries' TCP provider: callers through a proxy pass empty)
   * @return the device afterwards
   * @throws IllegalArgumentException when there is no such device
   * @since 1.2
   */
  DeviceDTO override(String device, String driver);

  /**
   * Switches autoprobe for one device, as {@code vdpa:dev autoprobe} does locally.
   *
   * @param device the device
   * @param on whether the bus may bind it by itself
   * @return the device afterwards
   * @throws IllegalArgumentException when there is no such device
   * @since 1.2
   */
  DeviceDTO autoprobe(String device, boolean on);

  /**
   * Plugs one of this runtime's ports into a UDP socket, as {@code vdpa:port udp} does locally:
   * one Ethernet frame per datagram, the addresses on this runtime's machine.
   *
   * @param port the port name
   * @param local the local address, {@code HOST:PORT} or {@code PORT}
   * @param remote the peer's address, {@code HOST:PORT}
   * @return the line {@code vdpa:port show} prints for the port afterwards
   * @throws IllegalArgumentException when there is no such port, an address is malformed or the
   *     local address cannot be bound
   */
  String plugUdp(String port, String local, String remote);

  /**
   * Puts one of this runtime's ports on the loopback wire, closing any socket it was plugged into
   * (as {@code vdpa:port loopback} does locally).
   *
   * @param port the port name
   * @return the line describing the port afterwards
   * @throws IllegalArgumentException when there is no such port
   */
  String loopback(String port);
}
