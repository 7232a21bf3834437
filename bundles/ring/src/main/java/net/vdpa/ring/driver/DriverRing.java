package net.vdpa.ring.driver;

import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.packed.PackedDriver;
import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.split.SplitDriver;
import net.vdpa.ring.split.SplitLayout;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One ring laid out in a driver's memory: where its areas are (what the device is told with
 * {@code set_vq_num} and {@code set_vq_address}) and the driver side that fills it.
 *
 * @param config the size, the three area IOVAs and the features
 * @param queue the driver side
 */
@ProviderType
public record DriverRing(QueueConfig config, DriverQueue queue) {

  /**
   * Bytes a ring takes, alignment slack included: what to add to a {@link DriverMemory}'s size.
   *
   * @param size the queue size
   * @param packed a packed ring, else split
   * @return bytes
   */
  public static long footprint(int size, boolean packed) {
    if (packed) {
      return PackedLayout.DESC_SIZE * (long) size + 2 * 64 + 3 * 64;
    }
    return SplitLayout.descTableSize(size) + SplitLayout.availSize(size) + SplitLayout.usedSize(size) + 3 * 64;
  }

  /**
   * Lays a ring out in the memory.
   *
   * @param mem the driver's memory
   * @param size the queue size (a power of two for a split ring)
   * @param packed a packed ring, else split
   * @param features the negotiated features
   * @return the ring
   * @throws IllegalStateException if the memory is exhausted
   */
  public static DriverRing create(DriverMemory mem, int size, boolean packed, long features) {
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
    DriverQueue q = packed ? new PackedDriver(c, mem.iotlb()) : new SplitDriver(c, mem.iotlb());
    return new DriverRing(c, q);
  }
}
