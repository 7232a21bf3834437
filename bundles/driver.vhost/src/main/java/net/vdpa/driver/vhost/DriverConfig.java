package net.vdpa.driver.vhost;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the vhost driver (PID {@code net.vdpa.driver.vhost}). */
@ObjectClassDefinition(name = "vDPA vhost driver")
@interface DriverConfig {
  /** The score the driver gives every device (0 disables matching; virtio_net gives 10). */
  @AttributeDefinition(name = "Match score", min = "0")
  int score() default 1;

  /** Directory of the vhost-user sockets; empty means {@code ${java.io.tmpdir}/vdpa-vhost}. */
  @AttributeDefinition(name = "Socket directory", required = false)
  String socket_dir() default "";

  /** Per-device socket paths, {@code DEVICE=PATH}; others get {@code <socket_dir>/<device>.sock}. */
  @AttributeDefinition(name = "Socket paths", required = false)
  String[] sockets() default {};
}
