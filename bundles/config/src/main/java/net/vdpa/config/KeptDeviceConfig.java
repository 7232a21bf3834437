package net.vdpa.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of a kept device (factory PID {@code net.vdpa.device}): what {@code vdpa dev add}
 * writes, and what a file in Karaf's {@code etc/} ({@code net.vdpa.device-NAME.cfg}) may say.
 */
@ObjectClassDefinition(name = "vDPA device", description = "A vDPA device created on a management device and kept across restarts.")
@interface KeptDeviceConfig {
  /** The device name. */
  @AttributeDefinition(name = "Name", description = "Device name: letters, digits, _ - . (up to 64)")
  String name();

  /** The management device handle. */
  @AttributeDefinition(name = "Management device", description = "Handle such as vdpasim_net")
  String mgmtdev();

  /** MAC address. */
  @AttributeDefinition(name = "MAC", required = false, description = "xx:xx:xx:xx:xx:xx; empty lets the management device choose")
  String mac();

  /** MTU. */
  @AttributeDefinition(name = "MTU", required = false, min = "68")
  int mtu();

  /** Queue pairs. */
  @AttributeDefinition(name = "Queue pairs", required = false, min = "1")
  int max_vqp();

  /** Device features, hexadecimal. */
  @AttributeDefinition(name = "Device features", required = false, description = "Hexadecimal feature bits, a subset of the management device's")
  String device_features();

  /** A block device's size in bytes. */
  @AttributeDefinition(name = "Capacity", required = false, min = "512", description = "Block devices: bytes, whole 512-byte sectors")
  long capacity();

  /** A block device's backing file. */
  @AttributeDefinition(name = "Backing file", required = false, description = "Block devices: a file holding the disk, created sparse if absent")
  String file();

  /** A read-only block device. */
  @AttributeDefinition(name = "Read-only", required = false, description = "Block devices: refuse writes")
  boolean ro();

  /** A block device's request queues. */
  @AttributeDefinition(name = "Request queues", required = false, min = "1", description = "Block devices: virtio_blk_config.num_queues")
  int num_queues();

  /** Driver override. */
  @AttributeDefinition(name = "Driver override", required = false, description = "Only this driver may take the device")
  String driver_override();
}
