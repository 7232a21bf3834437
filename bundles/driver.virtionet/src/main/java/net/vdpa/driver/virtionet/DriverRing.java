package net.vdpa.driver.virtionet;

import net.vdpa.api.VdpaDevice;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;

/** One virtqueue of the driver: its ring in driver memory, and the device queue index it feeds. */
final class DriverRing {
  final int index;
  final DriverQueue queue;
  final QueueConfig config;
  /** The ring as the shared driver kit lays it out. */
  final net.vdpa.ring.driver.DriverRing laidOut;

  private DriverRing(int index, net.vdpa.ring.driver.DriverRing ring) {
    this.index = index;
    this.laidOut = ring;
    this.queue = ring.queue();
    this.config = ring.config();
  }

  /** Bytes a ring of {@code size} takes, alignment slack included. */
  static long footprint(int size, boolean packed) {
    return net.vdpa.ring.driver.DriverRing.footprint(size, packed);
  }

  /** Lays out a ring in the memory and builds the driver side of it. */
  static DriverRing create(DmaMemory mem, int index, int size, boolean packed, long features) {
    return new DriverRing(index, net.vdpa.ring.driver.DriverRing.create(mem.memory, size, packed, features));
  }

  /** Tells the device where the ring is (before DRIVER_OK). */
  void setUp(VdpaDevice device) {
    device.setVqNum(index, config.size());
    device.setVqAddress(index, config.descAddr(), config.driverAddr(), config.deviceAddr());
  }
}
