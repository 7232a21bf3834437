package net.vdpa.ring.split;

import static net.vdpa.ring.split.SplitLayout.DESC_ADDR;
import static net.vdpa.ring.split.SplitLayout.DESC_FLAGS;
import static net.vdpa.ring.split.SplitLayout.DESC_LEN;
import static net.vdpa.ring.split.SplitLayout.DESC_NEXT;
import static net.vdpa.ring.split.SplitLayout.DESC_SIZE;
import static net.vdpa.ring.split.SplitLayout.F_NEXT;
import static net.vdpa.ring.split.SplitLayout.F_WRITE;

import java.nio.ByteBuffer;
import net.vdpa.ring.internal.Le;

/** How a driver lays out an indirect descriptor table (virtio 1.2 §2.7.5.3): one chain, in order. */
final class IndirectTable {
  private IndirectTable() {}

  /**
   * Writes {@code n} descriptors chained 0, 1, ... n-1, the readable buffers first.
   *
   * @param t the table's memory, translated read-write
   * @param base the table's offset in {@code t}
   * @param addrs the buffers' addresses
   * @param lens their lengths
   * @param readable how many of them the device reads (the rest it writes)
   * @param n how many in all
   */
  static void write(ByteBuffer t, int base, long[] addrs, int[] lens, int readable, int n) {
    for (int k = 0; k < n; k++) {
      final int o = base + DESC_SIZE * k;
      Le.U64.set(t, o + DESC_ADDR, addrs[k]);
      Le.U32.set(t, o + DESC_LEN, lens[k]);
      Le.U16.set(t, o + DESC_FLAGS, (short) ((k >= readable ? F_WRITE : 0) | (k < n - 1 ? F_NEXT : 0)));
      Le.U16.set(t, o + DESC_NEXT, (short) (k + 1));
    }
  }
}
