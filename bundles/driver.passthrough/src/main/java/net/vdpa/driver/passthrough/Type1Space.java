package net.vdpa.driver.passthrough;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.vdpa.api.IovaRange;
import net.vdpa.api.passthrough.DmaMapping;
import net.vdpa.api.passthrough.DmaPerm;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;

/**
 * The mapping table of one container with VFIO type1v2 rules, as a plain class: checks come before
 * any change, so a refused call leaves the table as it was. Not thread-safe; the container
 * serialises calls.
 */
final class Type1Space {
  /** The smallest (and only) IOMMU page: 4 KiB. */
  static final long PAGE = 4096;
  /** {@code iova_pgsizes}: bit 12 for 4 KiB pages. */
  static final long PAGE_SIZES = PAGE;

  /** One mapping and the memory behind it. */
  record Entry(DmaMapping mapping, ByteBuffer memory) {}

  private final int limit;
  private final NavigableMap<Long, Entry> entries = new TreeMap<>(Long::compareUnsigned);

  /**
   * An empty table.
   *
   * @param limit the most mappings ({@code dma_entry_limit}), at least 1
   */
  Type1Space(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("dma entry limit " + limit + " is below 1");
    }
    this.limit = limit;
  }

  int limit() {
    return limit;
  }

  int size() {
    return entries.size();
  }

  /**
   * Checks a map against the rules; changes nothing.
   *
   * @param ranges the valid IOVA ranges
   * @return the mapping to add
   */
  DmaMapping checkMap(long iova, ByteBuffer memory, DmaPerm perm, List<IovaRange> ranges) {
    if (memory == null || !memory.isDirect()) {
      throw new VfioException(VfioError.INVALID, "dma map at " + hex(iova) + ": memory must be a direct buffer");
    }
    if (perm == null) {
      throw new VfioException(VfioError.INVALID, "dma map at " + hex(iova) + ": no permission given");
    }
    long size = memory.remaining();
    if (size == 0) {
      throw new VfioException(VfioError.INVALID, "dma map at " + hex(iova) + ": size 0");
    }
    if ((iova & (PAGE - 1)) != 0) {
      throw new VfioException(VfioError.UNALIGNED, "dma map iova " + hex(iova) + " is not 4 KiB aligned");
    }
    if ((size & (PAGE - 1)) != 0) {
      throw new VfioException(VfioError.UNALIGNED, "dma map size " + size + " is not a multiple of 4 KiB");
    }
    if (!inRanges(iova, size, ranges)) {
      throw new VfioException(VfioError.OUT_OF_RANGE, "dma map of " + size + " bytes at " + hex(iova)
          + " leaves the valid iova ranges " + ranges);
    }
    Entry clash = overlapping(iova, size);
    if (clash != null) {
      DmaMapping m = clash.mapping();
      throw new VfioException(VfioError.OVERLAP, "dma map of " + size + " bytes at " + hex(iova)
          + " overlaps the mapping " + hex(m.iova()) + "+" + m.size());
    }
    if (entries.size() >= limit) {
      throw new VfioException(VfioError.LIMIT, "dma map at " + hex(iova) + ": the container holds "
          + entries.size() + " mappings, the dma entry limit");
    }
    return new DmaMapping(iova, size, perm);
  }

  /** Adds a mapping {@link #checkMap} accepted. */
  void add(DmaMapping m, ByteBuffer memory) {
    entries.put(m.iova(), new Entry(m, memory.duplicate()));
  }

  /**
   * Checks an unmap against the rules; changes nothing.
   *
   * @return the entries it removes, ascending
   */
  List<Entry> checkUnmap(long iova, long size) {
    if ((iova & (PAGE - 1)) != 0) {
      throw new VfioException(VfioError.UNALIGNED, "dma unmap iova " + hex(iova) + " is not 4 KiB aligned");
    }
    if (size <= 0 || (size & (PAGE - 1)) != 0) {
      throw new VfioException(VfioError.UNALIGNED, "dma unmap size " + size + " is not a positive multiple of 4 KiB");
    }
    long last = iova + size - 1;
    if (Long.compareUnsigned(last, iova) < 0) {
      throw new VfioException(VfioError.OUT_OF_RANGE, "dma unmap of " + size + " bytes at " + hex(iova) + " wraps");
    }
    List<Entry> removed = new ArrayList<>();
    Map.Entry<Long, Entry> before = entries.lowerEntry(iova);
    if (before != null && Long.compareUnsigned(before.getValue().mapping().last(), iova) >= 0) {
      throw split(iova, size, before.getValue().mapping());
    }
    for (Entry e : entries.subMap(iova, true, last, true).values()) {
      if (Long.compareUnsigned(e.mapping().last(), last) > 0) {
        throw split(iova, size, e.mapping());
      }
      removed.add(e);
    }
    return removed;
  }

  /** Removes what {@link #checkUnmap} returned. */
  void remove(List<Entry> removed) {
    for (Entry e : removed) {
      entries.remove(e.mapping().iova());
    }
  }

  List<DmaMapping> mappings() {
    List<DmaMapping> l = new ArrayList<>(entries.size());
    for (Entry e : entries.values()) {
      l.add(e.mapping());
    }
    return l;
  }

  List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }

  void clear() {
    entries.clear();
  }

  private Entry overlapping(long iova, long size) {
    long last = iova + size - 1;
    Map.Entry<Long, Entry> floor = entries.floorEntry(last);
    if (floor != null && Long.compareUnsigned(floor.getValue().mapping().last(), iova) >= 0) {
      return floor.getValue();
    }
    return null;
  }

  private static boolean inRanges(long iova, long size, List<IovaRange> ranges) {
    for (IovaRange r : ranges) {
      if (r.contains(iova, size)) {
        return true;
      }
    }
    return false;
  }

  private static VfioException split(long iova, long size, DmaMapping m) {
    return new VfioException(VfioError.SPLIT, "dma unmap of " + size + " bytes at " + hex(iova)
        + " would split the mapping " + hex(m.iova()) + "+" + m.size());
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
