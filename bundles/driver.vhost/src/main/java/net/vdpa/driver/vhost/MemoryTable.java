package net.vdpa.driver.vhost;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.VdpaDevice;

/**
 * The frontend's memory from SET_MEM_TABLE: regions {@code {gpa, size, uva, mmap_offset}}, each
 * mapped from its received file descriptor through {@code /proc/self/fd/N}. Ring addresses are
 * translated by {@code uva}, descriptor addresses by {@code gpa}: the device gets each region at its
 * guest-physical address through {@code dmaMap}, so it can reach nothing else.
 *
 * <p>Built and validated by {@link #parse}; immutable afterwards except for {@link #release()}.
 * Confined to the connection's thread.
 */
final class MemoryTable {
  /** The most regions a table has (VHOST_MEMORY_BASELINE_NREGIONS). */
  static final int MAX_REGIONS = 8;
  /** Bytes per region entry. */
  static final int REGION_BYTES = 32;
  /** The largest buffer handed to one dmaMap call. */
  static final long CHUNK = 1L << 30;

  /** One region and its mapping. */
  record Region(long gpa, long size, long uva, long offset, FileDescriptor fd, List<MappedByteBuffer> chunks) {
    boolean containsUva(long addr, long len) {
      return Long.compareUnsigned(addr, uva) >= 0 && Long.compareUnsigned(addr - uva, size) < 0
          && Long.compareUnsigned(len, size - (addr - uva)) <= 0;
    }
  }

  private final List<Region> regions;

  private MemoryTable(List<Region> regions) {
    this.regions = regions;
  }

  /**
   * Checks a SET_MEM_TABLE payload and its descriptors, then maps every region. On failure every
   * descriptor is closed and nothing stays mapped.
   *
   * @param payload the message payload, little-endian, position 0
   * @param size the payload size
   * @param fds the descriptors that came with it
   * @return the table
   * @throws ProtocolException if the table is malformed (the message names the region and value)
   */
  static MemoryTable parse(ByteBuffer payload, int size, FileDescriptor[] fds) throws ProtocolException {
    try {
      return parseChecked(payload, size, fds);
    } catch (ProtocolException e) {
      Connection.closeAll(fds);
      throw e;
    }
  }

  private static MemoryTable parseChecked(ByteBuffer p, int size, FileDescriptor[] fds) throws ProtocolException {
    if (size < 8) {
      throw new ProtocolException("SET_MEM_TABLE payload of " + size + " bytes is shorter than its 8-byte header");
    }
    int n = p.getInt(0);
    if (n < 1 || n > MAX_REGIONS) {
      throw new ProtocolException("SET_MEM_TABLE region count " + Integer.toUnsignedString(n) + " is outside 1.."
          + MAX_REGIONS);
    }
    if (size != 8 + n * REGION_BYTES) {
      throw new ProtocolException("SET_MEM_TABLE with " + n + " regions has " + size + " payload bytes, expected "
          + (8 + n * REGION_BYTES));
    }
    if (fds.length != n) {
      throw new ProtocolException("SET_MEM_TABLE with " + n + " regions came with " + fds.length + " fds");
    }
    long[][] r = new long[n][4];
    for (int i = 0; i < n; i++) {
      int at = 8 + i * REGION_BYTES;
      long gpa = p.getLong(at);
      long len = p.getLong(at + 8);
      long uva = p.getLong(at + 16);
      long off = p.getLong(at + 24);
      if (len <= 0) {
        throw new ProtocolException("memory region " + i + " has size " + Long.toUnsignedString(len));
      }
      if (gpa + len - 1 < gpa || uva + len - 1 < uva || Long.compareUnsigned(gpa + len - 1, gpa) < 0
          || Long.compareUnsigned(uva + len - 1, uva) < 0) {
        throw new ProtocolException("memory region " + i + " (gpa 0x" + Long.toHexString(gpa) + ", uva 0x"
            + Long.toHexString(uva) + ", size " + len + ") wraps the address space");
      }
      if (off < 0) {
        throw new ProtocolException("memory region " + i + " mmap offset " + Long.toUnsignedString(off) + " is too large");
      }
      for (int j = 0; j < i; j++) {
        if (overlaps(gpa, len, r[j][0], r[j][1])) {
          throw new ProtocolException("memory region " + i + " gpa 0x" + Long.toHexString(gpa) + "+" + len
              + " overlaps region " + j + " at gpa 0x" + Long.toHexString(r[j][0]) + "+" + r[j][1]);
        }
        if (overlaps(uva, len, r[j][2], r[j][1])) {
          throw new ProtocolException("memory region " + i + " uva 0x" + Long.toHexString(uva) + "+" + len
              + " overlaps region " + j + " at uva 0x" + Long.toHexString(r[j][2]) + "+" + r[j][1]);
        }
      }
      r[i] = new long[] {gpa, len, uva, off};
    }
    List<Region> regions = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        regions.add(map(i, r[i], fds[i]));
      }
    } catch (ProtocolException e) {
      new MemoryTable(regions).release();
      throw e;
    }
    return new MemoryTable(List.copyOf(regions));
  }

  private static boolean overlaps(long a, long alen, long b, long blen) {
    return Long.compareUnsigned(a, b + blen - 1) <= 0 && Long.compareUnsigned(b, a + alen - 1) <= 0;
  }

  private static Region map(int i, long[] r, FileDescriptor fd) throws ProtocolException {
    long len = r[1];
    long off = r[3];
    Path path;
    try {
      path = Path.of("/proc/self/fd/" + Fds.number(fd));
    } catch (IOException e) {
      throw new ProtocolException("memory region " + i + ": " + e.getMessage());
    }
    List<MappedByteBuffer> chunks = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long fileSize = ch.size();
      if (Long.compareUnsigned(off + len, fileSize) > 0 || off + len < 0) {
        throw new ProtocolException("memory region " + i + ": its fd has " + fileSize + " bytes, fewer than mmap offset "
            + off + " + size " + len);
      }
      for (long at = 0; at < len; at += CHUNK) {
        chunks.add(ch.map(FileChannel.MapMode.READ_WRITE, off + at, Math.min(CHUNK, len - at)));
      }
    } catch (IOException | RuntimeException e) {
      for (MappedByteBuffer b : chunks) {
        Fds.unmap(b);
      }
      throw new ProtocolException("memory region " + i + ": cannot map its fd read-write (" + e.getMessage() + ")");
    }
    return new Region(r[0], len, r[2], off, fd, List.copyOf(chunks));
  }

  /**
   * Translates a frontend virtual address range to a guest-physical address; the whole range must
   * lie in one region.
   *
   * @param uva the frontend virtual address
   * @param len the length of the area, at least 1
   * @return the guest-physical address, or -1 if the range is not inside one region
   */
  long uvaToGpa(long uva, long len) {
    for (Region r : regions) {
      if (r.containsUva(uva, len)) {
        return r.gpa() + (uva - r.uva());
      }
    }
    return -1;
  }

  /**
   * Maps every region into the device at its guest-physical address, read-write.
   *
   * @param device the device
   */
  void mapInto(VdpaDevice device) {
    for (Region r : regions) {
      long at = 0;
      for (MappedByteBuffer b : r.chunks()) {
        device.dmaMap(r.gpa() + at, b.duplicate().clear(), VdpaDevice.DMA_READ_WRITE);
        at += b.capacity();
      }
    }
  }

  /**
   * The number of regions.
   *
   * @return 1 to {@link #MAX_REGIONS}
   */
  int size() {
    return regions.size();
  }

  /**
   * Total bytes mapped.
   *
   * @return bytes
   */
  long bytes() {
    long sum = 0;
    for (Region r : regions) {
      sum += r.size();
    }
    return sum;
  }

  /**
   * Unmaps every region and closes the descriptors. The caller has reset the device first, so that
   * nothing reaches the memory any more. Idempotent.
   */
  void release() {
    for (Region r : regions) {
      for (MappedByteBuffer b : r.chunks()) {
        Fds.unmap(b);
      }
      Fds.close(r.fd());
    }
  }
}
