package net.vdpa.bus;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the bus (PID {@code net.vdpa.bus}). */
@ObjectClassDefinition(name = "vDPA bus", description = "How the vDPA bus matches and binds devices to drivers.")
@interface BusConfig {
  /** How long a driver's probe may take before the bus gives up on it. */
  @AttributeDefinition(name = "Probe timeout (ms)", min = "1")
  long probe_timeout_ms() default 10_000;

  /** How long the bus waits for drivers' remove calls when a device or driver leaves. */
  @AttributeDefinition(name = "Remove timeout (ms)", min = "1")
  long remove_timeout_ms() default 10_000;

  /** Whether devices are matched automatically when they or drivers appear. */
  @AttributeDefinition(name = "Autoprobe")
  boolean autoprobe() default true;

  /** Threads that run probe and remove calls (0: one per core, at least 2). */
  @AttributeDefinition(name = "Threads", min = "0")
  int threads() default 0;
}
