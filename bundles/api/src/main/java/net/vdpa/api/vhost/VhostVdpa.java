package net.vdpa.api.vhost;

import java.nio.file.Path;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One device bound to the {@code vhost_vdpa} driver: the Java form of a {@code /dev/vhost-vdpa-N}
 * character device. Registered as a service while the device is bound, with the properties {@link
 * #PROP_DEVICE} and {@link #PROP_SOCKET}; unregistered before the driver lets go of the device.
 *
 * <p>The device has one owner at a time, like the exclusive character device: an in-process {@link
 * VhostHandle} from {@link #open} or a vhost-user frontend connected to {@link #socketPath()}.
 */
@ProviderType
public interface VhostVdpa {

  /** Service property: the name of the bound device (for example {@code vdpa0}). */
  String PROP_DEVICE = "vdpa.device.name";
  /** Service property: the vhost-user socket path, as a string. */
  String PROP_SOCKET = "vhost.user.socket";

  /**
   * The name of the bound device.
   *
   * @return the device name
   */
  String deviceName();

  /**
   * The vhost-user socket of this device: where the backend listens (mode 0600) in {@link
   * SocketMode#SERVER} mode, or where it connects to a listening frontend in {@link
   * SocketMode#CLIENT} mode.
   *
   * @return the socket path
   */
  Path socketPath();

  /**
   * Whether the backend listens on {@link #socketPath()} or connects to it.
   *
   * @return the mode
   * @since 1.1
   */
  SocketMode socketMode();

  /**
   * Whether a vhost-user frontend is connected on the socket now. In client mode, false means the
   * backend is waiting for the frontend's socket and retrying.
   *
   * @return true while a frontend is connected
   * @since 1.1
   */
  boolean frontendConnected();

  /**
   * Who owns the device now, if anyone: the name given to {@link #open}, or {@code vhost-user}
   * followed by the frontend's process id.
   *
   * @return the owner, or empty if the device is free
   */
  Optional<String> owner();

  /**
   * Opens the device exclusively (the {@code open} of the character device). The handle must be
   * closed to let others in; the driver revokes it when the device goes away.
   *
   * @param owner a name for the caller, shown to whoever is refused
   * @return the handle
   * @throws IllegalStateException if the device is already owned (the message names the owner) or
   *     no longer bound
   */
  VhostHandle open(String owner);

  /**
   * What the device counted for vhost-user frontends: the connection now open, if any, then the last
   * one that ended, if any (kept until the next one ends or the device leaves the driver). Operators
   * read here what a VM did after it left.
   *
   * @return zero, one or two entries, the connected one first
   * @since 1.1
   */
  default java.util.List<ConnectionStats> connections() {
    return java.util.List.of();
  }
}
