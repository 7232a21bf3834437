package net.vdpa.api.vhost;

/**
 * Which end of the vhost-user socket the backend is. The protocol is the same either way; only who
 * creates the socket and who comes back after a restart differs.
 */
public enum SocketMode {
  /** The backend creates the socket and listens; frontends connect (QEMU's default chardev). */
  SERVER,
  /**
   * The frontend listens (QEMU's {@code server=on}, virtio-user's {@code server=1}); the backend
   * connects, and connects again whenever the connection ends, until the device is unbound.
   */
  CLIENT
}
