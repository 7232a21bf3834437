package net.vdpa.ring.mem;

/**
 * Hands out aligned buffers for a driver from one region that the driver has mapped at a known IOVA
 * (rings, indirect tables, packet buffers): a bump allocator, freed all at once by {@link #reset()}
 * when the device is reset. Buffers a driver reuses (a pool of receive buffers) are allocated once
 * and recycled by the driver itself.
 *
 * <p>Driver side: one thread, or the caller's lock.
 */
public final class DmaAllocator {
  /** Returned by {@link #allocate} when the region is full. */
  public static final long NO_SPACE = -1L;

  private final MemoryRegion region;
  private final long iova;
  /** Next free offset in the region; guarded by the owning thread. */
  private long next;

  /**
   * Creates an allocator over a region the driver mapped at {@code iova}.
   *
   * @param region the memory
   * @param iova where the region's first byte is mapped (unsigned; the region must not reach 2^64)
   * @throws IllegalArgumentException if {@code iova + region.size()} wraps past 2^64
   */
  public DmaAllocator(MemoryRegion region, long iova) {
    if (Long.compareUnsigned(region.size(), -1L - iova) > 0) {
      throw new IllegalArgumentException(
          "region " + region + " at 0x" + Long.toHexString(iova) + " reaches 2^64");
    }
    this.region = region;
    this.iova = iova;
  }

  /**
   * Allocates {@code size} bytes aligned to {@code align} (in IOVA space, relative to {@link
   * #iova()}, which should itself be page-aligned).
   *
   * @param size bytes, at least 1
   * @param align a power of two
   * @return the IOVA of the buffer, or {@link #NO_SPACE}
   * @throws IllegalArgumentException if size or align is invalid
   */
  public long allocate(long size, long align) {
    if (size < 1 || align < 1 || Long.bitCount(align) != 1) {
      throw new IllegalArgumentException("cannot allocate size " + size + " align " + align);
    }
    long start = (next + align - 1) & -align;
    if (start < next || start > region.size() - size) {
      return NO_SPACE;
    }
    next = start + size;
    return iova + start;
  }

  /** Frees every buffer at once (device reset). Nothing is cleared. */
  public void reset() {
    next = 0;
  }

  /**
   * Where an IOVA from this allocator lies in the region.
   *
   * @param bufferIova an IOVA returned by {@link #allocate}
   * @return the offset in {@link #region()}
   * @throws IllegalArgumentException if the IOVA is not inside the region
   */
  public long offsetOf(long bufferIova) {
    long off = bufferIova - iova;
    if (off < 0 || off >= region.size()) {
      throw new IllegalArgumentException(
          "IOVA 0x" + Long.toHexString(bufferIova) + " is not in " + region);
    }
    return off;
  }

  /**
   * Bytes handed out so far, including alignment padding.
   *
   * @return bytes in use
   */
  public long used() {
    return next;
  }

  /**
   * The region buffers come from.
   *
   * @return the region
   */
  public MemoryRegion region() {
    return region;
  }

  /**
   * The IOVA of the region's first byte.
   *
   * @return the base IOVA
   */
  public long iova() {
    return iova;
  }
}
