package net.vdpa.ring;

import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.testing.MockDriver;

/**
 * Writes ring memory byte by byte as a hostile or buggy driver would, bypassing the driver queue.
 */
abstract class RawRing {
  final MockDriver m;
  final MemoryRegion mem;
  final QueueConfig config;

  RawRing(MockDriver m) {
    this.m = m;
    this.mem = m.memory();
    this.config = m.config();
  }

  static RawRing of(MockDriver m) {
    return m.config().has(VirtioRingFeatures.RING_PACKED) ? new Packed(m) : new Split(m);
  }

  void put(long iova, long value, int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      b[i] = (byte) (value >>> (8 * i));
    }
    mem.put(iova - MockDriver.BASE_IOVA, b, 0, bytes);
  }

  long get(long iova, int bytes) {
    byte[] b = new byte[bytes];
    mem.get(iova - MockDriver.BASE_IOVA, b, 0, bytes);
    long v = 0;
    for (int i = bytes - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  /** Writes an indirect table entry (split: with next; packed: next ignored). */
  void table(long table, int i, long addr, long len, int flags, int next) {
    put(table + 16L * i, addr, 8);
    put(table + 16L * i + 8, len, 4);
    boolean packed = config.has(VirtioRingFeatures.RING_PACKED);
    put(table + 16L * i + (packed ? PackedLayout.DESC_FLAGS : SplitLayout.DESC_FLAGS), flags, 2);
    put(table + 16L * i + (packed ? PackedLayout.DESC_ID : SplitLayout.DESC_NEXT), packed ? 0 : next, 2);
  }

  /**
   * Makes a chain available: descriptor k gets {@code addrs[k]}, {@code lens[k]}, {@code flags[k]}
   * as given (NEXT included by the caller), chained to the following slot.
   *
   * @return the id the device should report
   */
  abstract int chain(long[] addrs, long[] lens, int[] flags);

  static final class Split extends RawRing {
    int nextDesc;
    int availIdx;

    Split(MockDriver m) {
      super(m);
    }

    void desc(int i, long addr, long len, int flags, int next) {
      long d = config.descAddr() + 16L * i;
      put(d + SplitLayout.DESC_ADDR, addr, 8);
      put(d + SplitLayout.DESC_LEN, len, 4);
      put(d + SplitLayout.DESC_FLAGS, flags, 2);
      put(d + SplitLayout.DESC_NEXT, next, 2);
    }

    void availEntry(int slot, int head) {
      put(config.driverAddr() + SplitLayout.AVAIL_RING + 2L * (slot % config.size()), head, 2);
    }

    void availIdx(int idx) {
      put(config.driverAddr() + SplitLayout.AVAIL_IDX, idx, 2);
    }

    @Override
    int chain(long[] addrs, long[] lens, int[] flags) {
      int head = nextDesc;
      for (int k = 0; k < addrs.length; k++) {
        int i = (head + k) % config.size();
        desc(i, addrs[k], lens[k], flags[k], (i + 1) % config.size());
      }
      nextDesc = (head + addrs.length) % config.size();
      availEntry(availIdx, head);
      availIdx = (availIdx + 1) & 0xffff;
      availIdx(availIdx);
      return head;
    }
  }

  static final class Packed extends RawRing {
    int pos;
    boolean wrap = true;
    int nextId;

    Packed(MockDriver m) {
      super(m);
    }

    void desc(int i, long addr, long len, int id, int flags) {
      long d = config.descAddr() + 16L * i;
      put(d + PackedLayout.DESC_ADDR, addr, 8);
      put(d + PackedLayout.DESC_LEN, len, 4);
      put(d + PackedLayout.DESC_ID, id, 2);
      put(d + PackedLayout.DESC_FLAGS, flags, 2);
    }

    int chainWithId(long[] addrs, long[] lens, int[] flags, int id) {
      int first = pos;
      boolean firstWrap = wrap;
      for (int k = addrs.length - 1; k >= 0; k--) {
        int p = (first + k) % config.size();
        boolean w = (first + k) / config.size() % 2 == 0 ? firstWrap : !firstWrap;
        desc(p, addrs[k], lens[k], id, flags[k] | PackedLayout.availBits(w));
      }
      int end = first + addrs.length;
      pos = end % config.size();
      if ((end / config.size()) % 2 == 1) {
        wrap = !wrap;
      }
      return id;
    }

    @Override
    int chain(long[] addrs, long[] lens, int[] flags) {
      return chainWithId(addrs, lens, flags, nextId++ % config.size());
    }
  }
}
