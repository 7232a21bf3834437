package net.vdpa.driver.vhost;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the vhost driver (PID {@code net.vdpa.driver.vhost}). */
@ObjectClassDefinition(name = "vDPA vhost driver")
@interface DriverConfig {
  /** The score the driver gives every device (0 disables matching; virtio_net gives 10). */
  @AttributeDefinition(name = "Match score", min = "0")
  int score() default 1;

  /**
   * Directory of the vhost-user sockets; empty means the runtime's own private directory:
   * {@code $XDG_RUNTIME_DIR/vdpa-<id>} when that variable is set, else {@code <framework storage>-vhost}
   * beside the framework's cache. Either way it must be owned by the runtime's user, not a
   * symbolic link, and not writable by others.
   */
  @AttributeDefinition(name = "Socket directory", required = false)
  String socket_dir() default "";

  /** Per-device socket paths, {@code DEVICE=PATH}; others get {@code <socket_dir>/<device>.sock}. */
  @AttributeDefinition(name = "Socket paths", required = false)
  String[] sockets() default {};

  /**
   * Client mode, {@code DEVICE=PATH}: the frontend listens on PATH (QEMU's {@code server=on},
   * virtio-user's {@code server=1}) and the backend connects to it, again and again whenever the
   * frontend goes away, until the device is unbound. A device is in {@code sockets} or here, not
   * both.
   */
  @AttributeDefinition(name = "Client sockets", required = false)
  String[] clients() default {};

  /** Client mode: the first pause between connection attempts while the frontend is away (milliseconds). */
  @AttributeDefinition(name = "Reconnect first pause (ms)", min = "1")
  int reconnect_min_ms() default 100;

  /** Client mode: the pause doubles up to this (milliseconds). */
  @AttributeDefinition(name = "Reconnect longest pause (ms)", min = "1")
  int reconnect_max_ms() default 2_000;

  /** How long a new frontend has to send SET_OWNER before it is disconnected (milliseconds). */
  @AttributeDefinition(name = "Handshake timeout (ms)", min = "1")
  int handshake_timeout_ms() default 10_000;

  /**
   * How long a frontend may go without kicking or moving a buffer before the next frontend that
   * connects takes the device from it (milliseconds; 0: never). A lone idle frontend keeps its device.
   */
  @AttributeDefinition(name = "Idle timeout (ms)", min = "0")
  int idle_timeout_ms() default 60_000;

  /** How long a begun message may take to arrive whole, and a reply to be read (milliseconds). */
  @AttributeDefinition(name = "Message timeout (ms)", min = "1")
  int message_timeout_ms() default 5_000;

  /** Refuse memory that cannot be sealed against shrinking from every frontend, the runtime's own user too. */
  @AttributeDefinition(name = "Strict memory")
  boolean strict_memory() default false;

  /**
   * Offer the CONFIG protocol feature (GET_CONFIG and SET_CONFIG: the device's MAC, status and MTU
   * read through the backend) to frontends that use it. QEMU's network device keeps the config space
   * itself and warns when a backend offers it; DPDK 22.11's virtio-user does not ask for it.
   */
  @AttributeDefinition(name = "Offer config space messages")
  boolean offer_config() default false;
}
