package net.vdpa.driver.passthrough;

import net.vdpa.api.passthrough.CommonCfg;

/** The queue_* registers of one virtqueue as the driver last wrote them. Guarded by the handle's lock. */
final class QueueRegs {
  int size;
  int vector = CommonCfg.NO_VECTOR;
  long desc;
  long avail;
  long used;
  /** Which of desc, avail, used were written (bits 0, 1, 2): a queue is enabled only with all three. */
  int written;
  boolean enabled;

  QueueRegs(int defaultSize) {
    this.size = defaultSize;
  }

  static long setLo(long v, long lo) {
    return (v & 0xFFFF_FFFF_0000_0000L) | (lo & 0xFFFF_FFFFL);
  }

  static long setHi(long v, long hi) {
    return (v & 0xFFFF_FFFFL) | ((hi & 0xFFFF_FFFFL) << 32);
  }
}
