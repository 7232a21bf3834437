package net.vdpa.driver.virtionet;

import net.vdpa.api.VdpaDevice;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.packed.PackedDriver;
import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.split.SplitDriver;
import net.vdpa.ring.split.SplitLayout;

/** One virtqueue of the driver: its ring in driver memory, and the device queue index it feeds. */
final class DriverRing {
  final int index;
  final DriverQueue queue;
  final QueueConfig config;

  private DriverRing(int index, DriverQueue queue, QueueConfig config) {
    this.index = index;
    this.queue = queue;
    this.config = config;
  }

  /** Bytes a ring of {@code size} takes, alignment slack included. */
  static long footprint(int size, boolean packed) {
    if (packed) {
      return PackedLayout.DESC_SIZE * (long) size + 2 * 64 + 3 * 64;
    }
    return SplitLayout.descTableSize(size) + SplitLayout.availSize(size) + SplitLayout.usedSize(size) + 3 * 64;
  }

  /** Lays out a ring in the memory and builds the driver side of it. */
  static DriverRing create(DmaMemory mem, int index, int size, boolean packed, long features) {
    long desc;
    long driver;
    long device;
    if (packed) {
      desc = mem.allocate(PackedLayout.DESC_SIZE * (long) size, 64);
      driver = mem.allocate(PackedLayout.EVENT_SIZE, 64);
      device = mem.allocate(PackedLayout.EVENT_SIZE, 64);
    } else {
      desc = mem.allocate(SplitLayout.descTableSize(size), 64);
      driver = mem.allocate(SplitLayout.availSize(size), 64);
      device = mem.allocate(SplitLayout.usedSize(size), 64);
    }
    QueueConfig c = new QueueConfig(size, desc, driver, device, features);
    DriverQueue q = packed ? new PackedDriver(c, mem.iotlb) : new SplitDriver(c, mem.iotlb);
    return new DriverRing(index, q, c);
  }

  /** Tells the device where the ring is (before DRIVER_OK). */
  void setUp(VdpaDevice device) {
    device.setVqNum(index, config.size());
    device.setVqAddress(index, config.descAddr(), config.driverAddr(), config.deviceAddr());
  }
}
