package net.vdpa.device.simblk;

import net.vdpa.api.blk.VirtioBlk;

/**
 * What a simulated block device is.
 *
 * @param name the device name
 * @param capacitySectors its size in 512-byte sectors
 * @param numQueues its request queues, 1 to {@link #MAX_QUEUES}
 * @param features the features it offers (with {@code RO} for a read-only device)
 * @param file its backing file, or null for memory
 * @param readOnly whether it refuses writes
 */
record BlkSpec(String name, long capacitySectors, int numQueues, long features, java.nio.file.Path file,
    boolean readOnly) {
  /** The largest capacity: 1 TiB (a RAM disk's chunk table grows with it). */
  static final long MAX_CAPACITY = 1L << 40;
  /** The most request queues. */
  static final int MAX_QUEUES = 8;
  /** The kernel simulator's size: 128 MiB. */
  static final long DEFAULT_SECTORS = (128L << 20) / VirtioBlk.SECTOR;
  /** The largest data segment a request may carry. */
  static final int SIZE_MAX = 1 << 20;
  /**
   * The most data segments in one request. {@code size_max × seg_max} stays below 32 MiB: SeaBIOS
   * (QEMU's firmware, which probes every virtio-blk disk) counts a request's sectors in 16 bits, and
   * at 32 MiB or more that count wraps to 0 and its read loop never ends.
   */
  static final int SEG_MAX = 31;
  /** The most sectors one DISCARD or WRITE_ZEROES segment may cover. */
  static final int MAX_ZERO_SECTORS = 1 << 16;
  /** The most segments of one DISCARD or WRITE_ZEROES request. */
  static final int MAX_ZERO_SEGMENTS = 16;

  /** Checks the values. */
  BlkSpec {
    if (capacitySectors < 1) {
      throw new IllegalArgumentException("capacity of " + capacitySectors + " sectors is below 1");
    }
    if (capacitySectors > MAX_CAPACITY / VirtioBlk.SECTOR) {
      throw new IllegalArgumentException("capacity " + capacitySectors * VirtioBlk.SECTOR + " is above "
          + MAX_CAPACITY + " (1T)");
    }
    if (readOnly != ((features & VirtioBlk.bit(VirtioBlk.F_RO)) != 0)) {
      throw new IllegalArgumentException("feature RO is " + (readOnly ? "missing on" : "offered by")
          + " a read-" + (readOnly ? "only" : "write") + " device");
    }
    if (numQueues < 1 || numQueues > MAX_QUEUES) {
      throw new IllegalArgumentException("num_queues " + numQueues + " is outside 1.." + MAX_QUEUES);
    }
  }
}
