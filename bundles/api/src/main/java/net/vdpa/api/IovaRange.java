package net.vdpa.api;

/**
 * The range of I/O virtual addresses a device can translate, inclusive at both ends, as Linux's
 * {@code struct vdpa_iova_range}. Addresses are unsigned 64-bit values held in {@code long}s.
 *
 * @param first the lowest usable IOVA
 * @param last the highest usable IOVA (inclusive)
 */
public record IovaRange(long first, long last) {

  /** The whole 64-bit space. */
  public static final IovaRange FULL = new IovaRange(0, -1L);

  /** Checks that {@code first <= last} as unsigned values. */
  public IovaRange {
    if (Long.compareUnsigned(first, last) > 0) {
      throw new IllegalArgumentException(
          "iova range first 0x" + Long.toHexString(first) + " is above last 0x" + Long.toHexString(last));
    }
  }

  /**
   * Tells whether {@code [iova, iova + size)} lies inside this range without wrapping.
   *
   * @param iova start address
   * @param size length in bytes, at least 1
   * @return true if the whole span is inside the range
   */
  public boolean contains(long iova, long size) {
    if (size <= 0) {
      return false;
    }
    long end = iova + size - 1;
    return Long.compareUnsigned(end, iova) >= 0
        && Long.compareUnsigned(iova, first) >= 0
        && Long.compareUnsigned(end, last) <= 0;
  }
}
