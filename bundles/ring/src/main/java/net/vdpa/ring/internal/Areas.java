package net.vdpa.ring.internal;

import net.vdpa.ring.RingError;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.Translation;

/** Setup-time checks of ring areas shared by every queue type (rare path: allocates, throws). */
public final class Areas {
  private Areas() {}

  /**
   * Checks the alignment the layout requires of an area's IOVA.
   *
   * @param what the area's name, for the message
   * @param addr its IOVA
   * @param align the required alignment, a power of two
   * @throws IllegalArgumentException if misaligned
   */
  public static void checkAligned(String what, long addr, int align) {
    if ((addr & (align - 1)) != 0) {
      throw new IllegalArgumentException(
          what + " address 0x" + Long.toHexString(addr) + " is not " + align + "-byte aligned");
    }
  }

  /**
   * Translates a driver-owned ring area, which must be readable, writable and contiguous.
   *
   * @param iotlb the driver's own IOTLB
   * @param what the area's name, for the message
   * @param addr its IOVA
   * @param len its size
   * @param t receives the writable translation
   * @throws IllegalArgumentException if it is not mapped read-write in one piece, or misaligned in memory
   */
  public static void driverArea(Iotlb iotlb, String what, long addr, int len, Translation t) {
    RingError e = iotlb.translateContiguous(addr, len, false, new Translation());
    if (e == RingError.NONE) {
      e = iotlb.translateContiguous(addr, len, true, t);
    }
    if (e != RingError.NONE) {
      throw new IllegalArgumentException(
          what + " at 0x" + Long.toHexString(addr) + " (" + len + " bytes) is not mapped read-write: "
              + e.description());
    }
    if (t.buffer().alignmentOffset(t.offset(), 4) != 0) {
      throw new IllegalArgumentException(
          what + " at 0x" + Long.toHexString(addr) + " is not 4-byte aligned in memory");
    }
  }
}
