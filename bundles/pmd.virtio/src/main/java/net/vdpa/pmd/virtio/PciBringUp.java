package net.vdpa.pmd.virtio;

import static net.vdpa.api.passthrough.CommonCfg.*;

import net.vdpa.api.VirtioStatus;
import net.vdpa.api.passthrough.CommonCfg;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.Region;
import net.vdpa.ring.QueueConfig;

/**
 * The virtio-pci driver initialisation (virtio 1.2 §3.1.1, §4.1.5) through the common
 * configuration registers only: reset, ACKNOWLEDGE, DRIVER, feature words, FEATURES_OK and its
 * check, the queues (size, addresses, no vector, enable), DRIVER_OK.
 */
final class PciBringUp {
  private PciBringUp() {}

  static long read(DeviceHandle h, int offset) {
    return h.read(Region.COMMON_CFG, offset, CommonCfg.widthAt(offset));
  }

  static void write(DeviceHandle h, int offset, long value) {
    h.write(Region.COMMON_CFG, offset, CommonCfg.widthAt(offset), value);
  }

  /** Reset, ACKNOWLEDGE, DRIVER; returns the device's 64 feature bits. */
  static long start(DeviceHandle h) {
    write(h, DEVICE_STATUS, 0);
    if (read(h, DEVICE_STATUS) != 0) {
      throw new IllegalStateException("device " + h.device() + " did not reset (status 0x"
          + Long.toHexString(read(h, DEVICE_STATUS)) + ")");
    }
    write(h, DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE);
    write(h, DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
    write(h, DEVICE_FEATURE_SELECT, 0);
    long lo = read(h, DEVICE_FEATURE);
    write(h, DEVICE_FEATURE_SELECT, 1);
    long hi = read(h, DEVICE_FEATURE);
    return lo | (hi << 32);
  }

  /** Writes the driver features and FEATURES_OK, then checks the device kept FEATURES_OK. */
  static void negotiate(DeviceHandle h, long features) {
    write(h, GUEST_FEATURE_SELECT, 0);
    write(h, GUEST_FEATURE, features & 0xFFFF_FFFFL);
    write(h, GUEST_FEATURE_SELECT, 1);
    write(h, GUEST_FEATURE, features >>> 32);
    write(h, DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
    if ((read(h, DEVICE_STATUS) & VirtioStatus.FEATURES_OK) == 0) {
      throw new IllegalStateException("device " + h.device() + " did not accept features 0x" + Long.toHexString(features));
    }
  }

  /** The largest size the device takes for a queue. */
  static int maxSize(DeviceHandle h, int queue) {
    write(h, QUEUE_SELECT, queue);
    return (int) read(h, QUEUE_SIZE);
  }

  /** Sets up and enables a queue, without an interrupt vector (the port polls). */
  static void queue(DeviceHandle h, int queue, QueueConfig c) {
    write(h, QUEUE_SELECT, queue);
    write(h, QUEUE_SIZE, c.size());
    write(h, QUEUE_DESC_LO, c.descAddr() & 0xFFFF_FFFFL);
    write(h, QUEUE_DESC_HI, c.descAddr() >>> 32);
    write(h, QUEUE_AVAIL_LO, c.driverAddr() & 0xFFFF_FFFFL);
    write(h, QUEUE_AVAIL_HI, c.driverAddr() >>> 32);
    write(h, QUEUE_USED_LO, c.deviceAddr() & 0xFFFF_FFFFL);
    write(h, QUEUE_USED_HI, c.deviceAddr() >>> 32);
    write(h, QUEUE_MSIX_VECTOR, NO_VECTOR);
    write(h, QUEUE_ENABLE, 1);
  }

  /** DRIVER_OK: the device runs. */
  static void driverOk(DeviceHandle h) {
    write(h, DEVICE_STATUS,
        VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK | VirtioStatus.DRIVER_OK);
  }
}
