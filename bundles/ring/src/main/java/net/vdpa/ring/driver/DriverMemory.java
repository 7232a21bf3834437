package net.vdpa.ring.driver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.ring.mem.DmaAllocator;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Memory a driver owns and shares with its device: one off-heap little-endian buffer, seen by the
 * driver at IOVA {@link #base()} through its own IOTLB, and carved into aligned blocks once, at set-up.
 * The caller maps {@link #buffer()} into the device at the same IOVA.
 *
 * <p>Not thread-safe while blocks are allocated; the buffer's content is shared with the device.
 */
@ProviderType
public final class DriverMemory {
  private final long base;
  private final ByteBuffer buffer;
  private final Iotlb iotlb = new Iotlb();
  private final DmaAllocator allocator;

  /**
   * Allocates the memory.
   *
   * @param base where it starts in IOVA space
   * @param size its size in bytes
   * @throws IllegalArgumentException naming the size if it is below 1 or too large for one direct buffer
   */
  public DriverMemory(long base, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("driver memory size " + size + " is below 1");
    }
    this.base = base;
    // page-aligned, so that what the allocator aligns in IOVA space (descriptor tables, cache-line
    // slots) is aligned in memory too
    this.buffer = MemoryRegion.pageAlignedBuffer(size).order(ByteOrder.LITTLE_ENDIAN);
    MemoryRegion region = MemoryRegion.wrap(buffer);
    iotlb.map(base, size, region, 0, Permission.READ_WRITE);
    this.allocator = new DmaAllocator(region, base);
  }

  /**
   * Carves out an aligned block.
   *
   * @param size bytes
   * @param align a power of two
   * @return the block's IOVA
   * @throws IllegalStateException naming the size if the memory is exhausted
   */
  public long allocate(long size, long align) {
    long iova = allocator.allocate(size, align);
    if (iova == DmaAllocator.NO_SPACE) {
      throw new IllegalStateException("driver memory of " + buffer.capacity() + " bytes is exhausted asking for "
          + size);
    }
    return iova;
  }

  /**
   * Where an IOVA of this memory sits in {@link #buffer()}.
   *
   * @param iova an IOVA returned by {@link #allocate}
   * @return the buffer index
   */
  public int offset(long iova) {
    return (int) (iova - base);
  }

  /**
   * The first IOVA.
   *
   * @return the base given at construction
   */
  public long base() {
    return base;
  }

  /**
   * The memory; absolute gets and puts at {@link #offset} indices.
   *
   * @return the buffer (shared, never replaced)
   */
  public ByteBuffer buffer() {
    return buffer;
  }

  /**
   * The size.
   *
   * @return bytes
   */
  public int size() {
    return buffer.capacity();
  }

  /**
   * The driver's view of the memory, for its rings.
   *
   * @return an IOTLB mapping {@link #base()} read-write
   */
  public Iotlb iotlb() {
    return iotlb;
  }
}
