package net.vdpa.driver.virtionet;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the virtio-net driver (PID {@code net.vdpa.driver.virtionet}). */
@ObjectClassDefinition(name = "vDPA virtio-net driver")
@interface DriverConfig {
  /** The score the driver gives network devices (0 disables it). */
  @AttributeDefinition(name = "Match score", min = "0")
  int score() default 10;

  /** Ring layout: auto (packed when offered), split or packed. */
  @AttributeDefinition(name = "Ring layout", options = {
      @org.osgi.service.metatype.annotations.Option(label = "auto", value = "AUTO"),
      @org.osgi.service.metatype.annotations.Option(label = "split", value = "SPLIT"),
      @org.osgi.service.metatype.annotations.Option(label = "packed", value = "PACKED")})
  String ring() default "SPLIT";

  /** Descriptors per queue (rounded down to a power of two within the device's limits). */
  @AttributeDefinition(name = "Queue size", min = "1", max = "32768")
  int queue_size() default 256;
}
