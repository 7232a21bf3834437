package net.vdpa.device.simblk;

import net.vdpa.api.blk.VirtioBlk;

/**
 * What a simulated block device is.
 *
 * @param name the device name
 * @param capacitySectors its size in 512-byte sectors
 * @param numQueues its request queues, 1 to {@link #MAX_QUEUES}
 * @param features the features it offers
 */
record BlkSpec(String name, long capacitySectors, int numQueues, long features) {
  /** The most request queues. */
  static final int MAX_QUEUES = 8;
  /** The kernel simulator's size: 128 MiB. */
  static final long DEFAULT_SECTORS = (128L << 20) / VirtioBlk.SECTOR;
  /** The largest data segment a request may carry. */
  static final int SIZE_MAX = 1 << 20;
  /** The most data segments in one request. */
  static final int SEG_MAX = 128;
  /** The most sectors one DISCARD or WRITE_ZEROES segment may cover. */
  static final int MAX_ZERO_SECTORS = 1 << 16;
  /** The most segments of one DISCARD or WRITE_ZEROES request. */
  static final int MAX_ZERO_SEGMENTS = 16;

  /** Checks the values. */
  BlkSpec {
    if (capacitySectors < 1) {
      throw new IllegalArgumentException("capacity of " + capacitySectors + " sectors is below 1");
    }
    if (numQueues < 1 || numQueues > MAX_QUEUES) {
      throw new IllegalArgumentException("num_queues " + numQueues + " is outside 1.." + MAX_QUEUES);
    }
  }
}
