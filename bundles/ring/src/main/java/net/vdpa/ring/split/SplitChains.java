package net.vdpa.ring.split;

import static net.vdpa.ring.split.SplitLayout.DESC_ADDR;
import static net.vdpa.ring.split.SplitLayout.DESC_FLAGS;
import static net.vdpa.ring.split.SplitLayout.DESC_LEN;
import static net.vdpa.ring.split.SplitLayout.DESC_NEXT;
import static net.vdpa.ring.split.SplitLayout.DESC_SIZE;
import static net.vdpa.ring.split.SplitLayout.F_INDIRECT;
import static net.vdpa.ring.split.SplitLayout.F_NEXT;
import static net.vdpa.ring.split.SplitLayout.F_WRITE;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.RingError;
import net.vdpa.ring.RingIndex;
import net.vdpa.ring.internal.Le;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.Translation;

/**
 * The part of {@link SplitDevice} that walks chains of more than one descriptor and indirect
 * tables (a chain of one descriptor, the common case, is read by the device itself and never loops).
 * A per-descriptor visit stamp catches loops in the table and in an indirect table, so a chain is
 * walked at most once per descriptor whatever the driver wrote; one {@code int} comparison per
 * descriptor, and the stamp arrays are cleared only when the stamp wraps.
 *
 * <p>Device side: the device's one thread.
 */
final class SplitChains {
  private final int size;
  private final boolean indirect;
  private final Iotlb iotlb;
  /** The device's segment translation, shared: the chain's segments are translated into it. */
  private final Translation tr;
  /** Where an indirect table is translated (the device's ring areas are already cached). */
  private final Translation tableTr;
  /** Visit stamps per descriptor of the table, and per entry of an indirect table. */
  private final int[] visited;
  private final int[] visitedIndirect;
  private int stamp;

  SplitChains(int size, boolean indirect, Iotlb iotlb, Translation tr, Translation tableTr) {
    this.size = size;
    this.indirect = indirect;
    this.iotlb = iotlb;
    this.tr = tr;
    this.tableTr = tableTr;
    this.visited = new int[size];
    this.visitedIndirect = new int[size];
  }

  /**
   * Walks the chain at {@code head} into {@code chain}: every descriptor visited at most once,
   * translated with its permission, an indirect table (if any) last.
   *
   * @param d the descriptor table as translated at the device's last ring refresh
   * @param base the table's offset in {@code d}
   * @param head the chain's first descriptor, below the queue size
   * @param chain receives the segments
   * @return {@link RingError#NONE} or the first thing wrong with the chain
   */
  RingError walk(final ByteBuffer d, final int base, final int head, final DescriptorChain chain) {
    chain.begin(head);
    final int s = nextStamp();
    int i = head;
    int count = 0;
    while (true) {
      if (visited[i] == s) {
        return RingError.DESCRIPTOR_LOOP;
      }
      visited[i] = s;
      count++;
      final int o = base + DESC_SIZE * i;
      final long addr = (long) Le.U64.get(d, o + DESC_ADDR);
      final long len = (int) Le.U32.get(d, o + DESC_LEN) & 0xFFFF_FFFFL;
      final int flags = (short) Le.U16.get(d, o + DESC_FLAGS) & RingIndex.MASK;
      if ((flags & F_INDIRECT) != 0) {
        chain.finish(head, count);
        return walkIndirect(addr, len, flags, count, chain);
      }
      final RingError e = chain.append(iotlb, tr, addr, len, (flags & F_WRITE) != 0);
      if (e != RingError.NONE) {
        return e;
      }
      if ((flags & F_NEXT) == 0) {
        chain.finish(head, count);
        return RingError.NONE;
      }
      i = (short) Le.U16.get(d, o + DESC_NEXT) & RingIndex.MASK;
      if (i >= size) {
        return RingError.NEXT_OUT_OF_RANGE;
      }
    }
  }

  private RingError walkIndirect(
      final long addr, final long len, final int flags, final int direct, final DescriptorChain chain) {
    if (!indirect) {
      return RingError.INDIRECT_NOT_NEGOTIATED;
    }
    if ((flags & F_NEXT) != 0) {
      return RingError.INDIRECT_WITH_NEXT;
    }
    if (len == 0 || (len & (DESC_SIZE - 1)) != 0) {
      return RingError.INDIRECT_BAD_LENGTH;
    }
    final long entries = len / DESC_SIZE;
    if (entries + direct - 1 > size) {
      return RingError.CHAIN_TOO_LONG;
    }
    final RingError te = iotlb.translateContiguous(addr, len, false, tableTr);
    if (te != RingError.NONE) {
      return te;
    }
    final ByteBuffer t = tableTr.buffer();
    final int base = tableTr.offset();
    final int s = stamp;
    int j = 0;
    while (true) {
      if (visitedIndirect[j] == s) {
        return RingError.DESCRIPTOR_LOOP;
      }
      visitedIndirect[j] = s;
      final int o = base + DESC_SIZE * j;
      final long a = (long) Le.U64.get(t, o + DESC_ADDR);
      final long l = (int) Le.U32.get(t, o + DESC_LEN) & 0xFFFF_FFFFL;
      final int f = (short) Le.U16.get(t, o + DESC_FLAGS) & RingIndex.MASK;
      if ((f & F_INDIRECT) != 0) {
        return RingError.NESTED_INDIRECT;
      }
      final RingError e = chain.append(iotlb, tr, a, l, (f & F_WRITE) != 0);
      if (e != RingError.NONE) {
        return e;
      }
      if ((f & F_NEXT) == 0) {
        return RingError.NONE;
      }
      j = (short) Le.U16.get(t, o + DESC_NEXT) & RingIndex.MASK;
      if (j >= entries) {
        return RingError.NEXT_OUT_OF_RANGE;
      }
    }
  }

  private int nextStamp() {
    int s = stamp + 1;
    if (s == 0) {
      Arrays.fill(visited, 0);
      Arrays.fill(visitedIndirect, 0);
      s = 1;
    }
    stamp = s;
    return s;
  }
}
