package net.vdpa.ring.mem;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.ring.RingError;

/**
 * The device's view of driver memory: an IOVA → memory map with permissions, like the vhost IOTLB.
 * Every address a device touches goes through {@link #translate}, which checks that the whole range
 * is mapped, that it does not wrap past 2^64 (addresses are unsigned 64-bit), and that the access is
 * permitted, before any byte moves.
 *
 * <p>Entries are kept in a sorted array, searched by binary search after a one-entry last-hit cache
 * kept in the caller's {@link Translation}; translating allocates nothing.
 *
 * <p>Threads: {@link #map} and {@link #unmap} may be called from any thread (they are serialised
 * by this object's lock and publish a new immutable table); {@link #translate} may be called from any
 * number of threads at once, each with its own {@link Translation}. A translation that raced with
 * an unmap may still use the memory it was given, which stays valid for the Java heap.
 */
public final class Iotlb {
  /** An immutable snapshot of the map, replaced as a whole on every change. */
  static final class Table {
    static final Table EMPTY = new Table(new Entry[0]);

    final long[] first;
    final long[] last;
    final Entry[] entries;

    Table(Entry[] sorted) {
      this.entries = sorted;
      this.first = new long[sorted.length];
      this.last = new long[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        first[i] = sorted[i].first;
        last[i] = sorted[i].last;
      }
    }
  }

  /** One mapping: IOVAs {@code first..last} (inclusive) → {@code region} from {@code offset}. */
  static final class Entry {
    final long first;
    final long last;
    final MemoryRegion region;
    final long offset;
    final Permission permission;

    Entry(long first, long last, MemoryRegion region, long offset, Permission permission) {
      this.first = first;
      this.last = last;
      this.region = region;
      this.offset = offset;
      this.permission = permission;
    }
  }

  /** The current table; written under {@code this}, read without a lock. */
  private volatile Table table = Table.EMPTY;

  /** Told of refused translations, or null; read on the refusal path only. */
  private volatile DmaFaultListener faultListener;

  /** Creates an empty IOTLB: nothing is mapped. */
  public Iotlb() {}

  /**
   * Sets who is told when a translation is refused (an IOMMU's fault reporting). The fast path
   * does not read it.
   *
   * @param listener the listener, or null for none
   */
  public void setFaultListener(DmaFaultListener listener) {
    this.faultListener = listener;
  }

  private RingError fault(long iova, long length, boolean write, RingError error) {
    DmaFaultListener l = faultListener;
    if (l != null) {
      l.fault(iova, length, write, error);
    }
    return error;
  }

  /**
   * Maps {@code size} bytes of {@code region}, starting at {@code regionOffset}, at IOVA {@code iova}.
   *
   * @param iova the first IOVA (unsigned)
   * @param size bytes, at least 1
   * @param region the memory
   * @param regionOffset where in the region the mapping starts
   * @param permission what the device may do
   * @throws IllegalArgumentException if the range wraps past 2^64, lies outside the region, asks
   *     for write access to a read-only region, or overlaps a mapped range (the message names both)
   */
  public synchronized void map(
      long iova, long size, MemoryRegion region, long regionOffset, Permission permission) {
    if (size < 1) {
      throw new IllegalArgumentException("mapping size " + size + " at " + hex(iova) + " is not positive");
    }
    if (Long.compareUnsigned(size - 1, -1L - iova) > 0) {
      throw new IllegalArgumentException(
          "mapping " + hex(iova) + " size " + hex(size) + " wraps past 2^64");
    }
    if (regionOffset < 0 || regionOffset > region.size() || size > region.size() - regionOffset) {
      throw new IllegalArgumentException(
          "region offset " + regionOffset + " size " + size + " is outside " + region + " of "
              + region.size() + " bytes");
    }
    if (permission.allowsWrite() && !region.writable()) {
      throw new IllegalArgumentException(
          "permission " + permission + " needs a writable region but " + region + " is read-only");
    }
    long last = iova + size - 1;
    Table t = table;
    int at = 0;
    for (int i = 0; i < t.entries.length; i++) {
      Entry e = t.entries[i];
      if (Long.compareUnsigned(iova, e.last) <= 0 && Long.compareUnsigned(e.first, last) <= 0) {
        throw new IllegalArgumentException(
            "range [" + hex(iova) + ", " + hex(last) + "] overlaps mapped range [" + hex(e.first)
                + ", " + hex(e.last) + "]");
      }
      if (Long.compareUnsigned(e.first, iova) < 0) {
        at = i + 1;
      }
    }
    Entry[] n = new Entry[t.entries.length + 1];
    System.arraycopy(t.entries, 0, n, 0, at);
    n[at] = new Entry(iova, last, region, regionOffset, permission);
    System.arraycopy(t.entries, at, n, at + 1, t.entries.length - at);
    table = new Table(n);
  }

  /**
   * Unmaps every byte of {@code iova..iova+size-1}; mappings that overlap the range partly are
   * trimmed or split. Unmapping an unmapped range is no error.
   *
   * @param iova the first IOVA (unsigned)
   * @param size bytes, at least 1
   * @return how many bytes were mapped in the range and are not any more
   * @throws IllegalArgumentException if the size is not positive or the range wraps past 2^64
   */
  public synchronized long unmap(long iova, long size) {
    if (size < 1 || Long.compareUnsigned(size - 1, -1L - iova) > 0) {
      throw new IllegalArgumentException(
          "cannot unmap " + hex(iova) + " size " + hex(size) + ": empty or wraps past 2^64");
    }
    long last = iova + size - 1;
    Table t = table;
    List<Entry> kept = new ArrayList<>(t.entries.length + 1);
    long removed = 0;
    for (Entry e : t.entries) {
      if (Long.compareUnsigned(iova, e.last) > 0 || Long.compareUnsigned(e.first, last) > 0) {
        kept.add(e);
        continue;
      }
      long cutFirst = Long.compareUnsigned(iova, e.first) > 0 ? iova : e.first;
      long cutLast = Long.compareUnsigned(last, e.last) < 0 ? last : e.last;
      removed += cutLast - cutFirst + 1;
      if (Long.compareUnsigned(e.first, cutFirst) < 0) {
        kept.add(new Entry(e.first, cutFirst - 1, e.region, e.offset, e.permission));
      }
      if (Long.compareUnsigned(cutLast, e.last) < 0) {
        kept.add(
            new Entry(cutLast + 1, e.last, e.region, e.offset + (cutLast + 1 - e.first), e.permission));
      }
    }
    if (removed != 0) {
      table = new Table(kept.toArray(new Entry[0]));
    }
    return removed;
  }

  /** Removes every mapping (device reset, {@code reset_map}). */
  public synchronized void clear() {
    table = Table.EMPTY;
  }

  /**
   * How many mappings there are.
   *
   * @return the entry count
   */
  public int entries() {
    return table.entries.length;
  }

  /**
   * An identity that changes whenever the map changes, so that a queue can cache translations of
   * its ring areas and redo them only after a change.
   *
   * @return an opaque token compared by identity
   */
  public Object generation() {
    return table;
  }

  /**
   * Translates the start of {@code iova..iova+length-1} for a read or a write.
   *
   * <p>On success {@code out} holds the buffer, offset and the contiguous part of the range (the
   * whole range, or up to the end of the mapping or chunk it starts in; translate the rest with
   * {@code iova + out.length()}). Allocation-free.
   *
   * @param iova the first IOVA (unsigned)
   * @param length bytes, 1 to 2^63 - 1
   * @param write true for a device write, false for a device read
   * @param out receives the result and keeps the last-hit cache
   * @return {@link RingError#NONE}, or {@link RingError#ADDRESS_WRAP}, {@link
   *     RingError#ADDRESS_UNMAPPED}, {@link RingError#WRITE_TO_READ_ONLY}, {@link
   *     RingError#READ_FROM_WRITE_ONLY}
   */
  public RingError translate(final long iova, final long length, final boolean write, final Translation out) {
    return translate(table, iova, length, write, out);
  }

  /**
   * Translates as {@link #translate(long, long, boolean, Translation)} does, against the map as it
   * was at {@code generation}: for a device translating a batch of descriptors, which reads the
   * map once for the batch (one volatile read, not one per descriptor, so the loop's other loads
   * stay hoisted). An unmap that completes while the batch is translated applies from the next
   * batch on, as it applies to memory a chain already translated; the memory stays valid for the
   * Java heap either way.
   *
   * @param generation what {@link #generation()} returned, checked by the caller to be current when
   *     its batch began
   * @param iova the first IOVA (unsigned)
   * @param length bytes, 1 to 2^63 - 1
   * @param write true for a device write, false for a device read
   * @param out receives the result and keeps the last-hit cache
   * @return as {@link #translate(long, long, boolean, Translation)}
   * @throws ClassCastException if {@code generation} did not come from {@link #generation()}
   */
  public RingError translate(
      final Object generation, final long iova, final long length, final boolean write, final Translation out) {
    return translate((Table) generation, iova, length, write, out);
  }

  /**
   * Where a range lies in the buffer of {@code out}'s last hit ({@link Translation#hitBuffer()}), if
   * the whole range lies in that mapping and chunk, for the same access mode, in the map as it was
   * at {@code generation}; -1 otherwise, and then {@link #translate(Object, long, long, boolean,
   * Translation)} decides (and reports a fault if there is one). The fast path of a device taking a
   * batch of single descriptors: it writes nothing, not even into {@code out}.
   *
   * @param generation what {@link #generation()} returned, current when the caller's batch began
   * @param iova the first IOVA (unsigned)
   * @param length bytes
   * @param write true for a device write, false for a device read
   * @param out the caller's translation, holding the last hit
   * @return an absolute index in {@code out.hitBuffer()}, or -1
   */
  public int hitOffset(
      final Object generation, final long iova, final long length, final boolean write, final Translation out) {
    final long lo = out.hitLo;
    final long hi = out.hitHi;
    if (out.hitBuffer != null && out.cachedTable == generation && out.hitWrite == write
        && Long.compareUnsigned(iova - lo, hi - lo) <= 0
        && length >= 1 && Long.compareUnsigned(length - 1, hi - iova) <= 0) {
      return (int) (iova - out.hitBase);
    }
    return -1;
  }

  private RingError translate(
      final Table t, final long iova, final long length, final boolean write, final Translation out) {
    if (length < 1 || Long.compareUnsigned(length - 1, -1L - iova) > 0) {
      return fault(iova, length, write, RingError.ADDRESS_WRAP);
    }
    // fast path: the same mapping, chunk and access mode as the last translation
    final ByteBuffer hb = out.hitBuffer;
    if (hb != null && out.cachedTable == t && out.hitWrite == write
        && Long.compareUnsigned(iova - out.hitLo, out.hitHi - out.hitLo) <= 0) {
      final long toEnd = out.hitHi - iova + 1;
      final int contiguous = (int) (length < toEnd ? length : toEnd);
      // buffer and length are mostly what they were: storing them only when they differ keeps a
      // device's store buffer short (see DescriptorChain.single) and skips the GC write barrier
      if (out.buffer != hb) {
        out.buffer = hb;
      }
      if (out.length != contiguous) {
        out.length = contiguous;
      }
      out.offset = (int) (iova - out.hitBase);
      return RingError.NONE;
    }
    return translateSlow(t, iova, length, write, out, true);
  }

  /**
   * Translates one byte for a look that changes nothing (a device reading ahead of the chains it
   * pops): as {@link #translate} with a length of 1, but a refusal is no fault, so the fault
   * listener is not told. The caller must not act on what it reads; the chain's own translation
   * decides. Allocation-free.
   *
   * @param iova the IOVA (unsigned)
   * @param write true for write access, false for read access
   * @param out receives the result and keeps its own last-hit cache
   * @return true if {@code out} now holds the byte's buffer and offset
   */
  public boolean peek(final long iova, final boolean write, final Translation out) {
    final Table t = table;
    final ByteBuffer hb = out.hitBuffer;
    if (hb != null && out.cachedTable == t && out.hitWrite == write
        && Long.compareUnsigned(iova - out.hitLo, out.hitHi - out.hitLo) <= 0) {
      if (out.buffer != hb) {
        out.buffer = hb;
      }
      out.offset = (int) (iova - out.hitBase);
      return true;
    }
    return translateSlow(t, iova, 1, write, out, false) == RingError.NONE;
  }

  private RingError translateSlow(final Table t, final long iova, final long length, final boolean write,
      final Translation out, final boolean report) {
    out.hitBuffer = null;
    int i = out.cachedIndex;
    if (out.cachedTable != t
        || Long.compareUnsigned(iova - t.first[i], t.last[i] - t.first[i]) > 0) {
      i = search(t, iova);
      if (i < 0) {
        return report ? fault(iova, length, write, RingError.ADDRESS_UNMAPPED) : RingError.ADDRESS_UNMAPPED;
      }
      out.cachedTable = t;
      out.cachedIndex = i;
    }
    final Entry e = t.entries[i];
    final Permission p = e.permission;
    if (write ? !p.allowsWrite() : !p.allowsRead()) {
      final RingError refused = write ? RingError.WRITE_TO_READ_ONLY : RingError.READ_FROM_WRITE_ONLY;
      return report ? fault(iova, length, write, refused) : refused;
    }
    final long regionOffset = e.offset + (iova - e.first);
    final int chunk = (int) (regionOffset >>> MemoryRegion.CHUNK_SHIFT);
    final ByteBuffer b = e.region.chunk(chunk, write);
    final int pos = (int) (regionOffset - ((long) chunk << MemoryRegion.CHUNK_SHIFT));
    // IOVAs this buffer serves inside this entry: from the later of the entry's and the chunk's
    // start to the earlier of their ends (the chunk view may reach beyond a partial mapping)
    final long base = iova - pos;
    final long chunkLast = base + b.capacity() - 1;
    final long lo = Long.compareUnsigned(e.first, base) > 0 ? e.first : base;
    final long hi = Long.compareUnsigned(e.last, chunkLast) < 0 ? e.last : chunkLast;
    out.hitLo = lo;
    out.hitHi = hi;
    out.hitBase = base;
    out.hitWrite = write;
    out.hitBuffer = b;
    final long toEnd = hi - iova + 1;
    out.buffer = b;
    out.offset = pos;
    out.length = (int) (length < toEnd ? length : toEnd);
    return RingError.NONE;
  }

  /**
   * Translates a range that must be contiguous in one buffer (a ring area, an indirect table).
   *
   * @param iova the first IOVA
   * @param length bytes, at least 1 and below 2^31
   * @param write true for write access
   * @param out receives the result
   * @return as {@link #translate}, or {@link RingError#NOT_CONTIGUOUS} if the range spans two
   *     mappings or chunks, or {@link RingError#ADDRESS_UNMAPPED} if its tail is not mapped
   */
  public RingError translateContiguous(
      final long iova, final long length, final boolean write, final Translation out) {
    final RingError e = translate(iova, length, write, out);
    if (e != RingError.NONE || out.length == length) {
      return e;
    }
    return tailError(iova, length, write);
  }

  private RingError tailError(long iova, long length, boolean write) {
    Translation probe = new Translation();
    long at = iova;
    long left = length;
    while (left > 0) {
      RingError e = translate(at, left, write, probe);
      if (e != RingError.NONE) {
        return e;
      }
      at += probe.length;
      left -= probe.length;
    }
    return RingError.NOT_CONTIGUOUS;
  }

  private static int search(final Table t, final long iova) {
    final long[] first = t.first;
    int lo = 0;
    int hi = first.length - 1;
    int found = -1;
    while (lo <= hi) {
      final int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(first[mid], iova) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || Long.compareUnsigned(iova, t.last[found]) > 0) {
      return -1;
    }
    return found;
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Iotlb[");
    for (Entry e : table.entries) {
      b.append(' ').append(hex(e.first)).append('-').append(hex(e.last)).append(' ')
          .append(e.permission).append(" -> ").append(e.region).append('+').append(e.offset);
    }
    return b.append(" ]").toString();
  }
}
