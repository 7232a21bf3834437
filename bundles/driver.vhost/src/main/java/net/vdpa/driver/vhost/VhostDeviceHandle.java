package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.vhost.SocketMode;
import net.vdpa.api.vhost.VhostHandle;
import net.vdpa.api.vhost.VhostVdpa;

/**
 * A device bound to the vhost driver: its owner slot, its vhost-user endpoint (a socket it listens
 * on, or a frontend's socket it connects to) and its in-process handle, published as the {@link
 * VhostVdpa} service. {@link #revoke(String)} takes everything away
 * without waiting for anyone.
 */
final class VhostDeviceHandle implements VhostVdpa {
  private final VdpaDevice device;
  private final OwnerSlot slot = new OwnerSlot();
  private final Endpoint endpoint;
  /** Guarded by {@code this}. */
  private InProcessHandle handle;
  /** Guarded by {@code this}. */
  private String revoked;

  /**
   * A handle for a device that listens on its socket; {@link #start()} opens it.
   *
   * @param device the device
   * @param socket the vhost-user socket path, in a checked directory
   * @param settings deadlines and memory policy for frontends
   * @param runtimeUid the runtime's user id
   * @param log where events go
   */
  VhostDeviceHandle(VdpaDevice device, Path socket, Settings settings, int runtimeUid, EventLog log) {
    this(device, SocketMode.SERVER, socket, settings, runtimeUid, log);
  }

  /**
   * A handle for a device; {@link #start()} opens its socket or starts connecting.
   *
   * @param device the device
   * @param mode whether the backend listens on {@code socket} or connects to it
   * @param socket the vhost-user socket path: in a checked directory for a server; the frontend's
   *     (checked before each connection) for a client
   * @param settings deadlines, memory policy and reconnect pacing
   * @param runtimeUid the runtime's user id
   * @param log where events go
   */
  VhostDeviceHandle(VdpaDevice device, SocketMode mode, Path socket, Settings settings, int runtimeUid, EventLog log) {
    this.device = device;
    this.endpoint = mode == SocketMode.CLIENT
        ? new VhostUserClient(device, socket, slot, settings, runtimeUid, log)
        : new VhostUserServer(device, socket, slot, settings, runtimeUid, log);
  }

  /**
   * Resets the device and opens the vhost-user socket, or starts connecting to the frontend's.
   *
   * @throws IOException if the socket cannot be created, or the frontend's directory is unsafe
   */
  void start() throws IOException {
    device.reset();
    endpoint.start();
  }

  @Override
  public String deviceName() {
    return device.name();
  }

  @Override
  public Path socketPath() {
    return endpoint.path();
  }

  @Override
  public SocketMode socketMode() {
    return endpoint.mode();
  }

  @Override
  public boolean frontendConnected() {
    return endpoint.session() != null;
  }

  @Override
  public List<ConnectionStats> connections() {
    return endpoint.connections();
  }

  @Override
  public Optional<String> owner() {
    return slot.owner();
  }

  @Override
  public synchronized VhostHandle open(String owner) {
    if (revoked != null) {
      throw new IllegalStateException("device " + device.name() + " is no longer bound to vhost_vdpa: " + revoked);
    }
    String who = owner == null || owner.isBlank() ? "anonymous" : owner;
    String taken = slot.acquire(who);
    if (taken != null) {
      throw new IllegalStateException("device " + device.name() + " is already owned by " + taken);
    }
    InProcessHandle h = new InProcessHandle(device, who, () -> {
      synchronized (this) {
        handle = null;
      }
      slot.release(who);
    });
    handle = h;
    return h;
  }

  /**
   * The vhost-user endpoint (tests).
   *
   * @return the listening server or the connecting client
   */
  Endpoint endpoint() {
    return endpoint;
  }

  /**
   * The vhost-user endpoint (tests written for the listening server, which need only its session).
   *
   * @return the endpoint
   */
  Endpoint server() {
    return endpoint;
  }

  /**
   * Revokes everything: closes the socket and the frontend's connection, closes the in-process
   * handle, resets the device. Never waits for a frontend. Idempotent.
   *
   * @param reason why, for the log and for later calls on the handle
   */
  void revoke(String reason) {
    InProcessHandle h;
    synchronized (this) {
      if (revoked != null) {
        return;
      }
      revoked = reason;
      h = handle;
    }
    endpoint.close(reason);
    if (h != null) {
      h.revoke(reason);
    }
    device.reset();
  }
}
