package net.vdpa.driver.vhost;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.VdpaDevice;
import net.vdpa.unix.Fds;
import net.vdpa.unix.Fds.AccessMode;
import net.vdpa.unix.Fds.SealResult;
import net.vdpa.unix.LibC;

/**
 * The frontend's memory from SET_MEM_TABLE: regions {@code {gpa, size, uva, mmap_offset}}, each
 * mapped from its received file descriptor itself (never reopened, so a read-only descriptor stays
 * read-only). Ring addresses are translated by {@code uva}, descriptor addresses by {@code gpa}:
 * the device gets each region at its guest-physical address through {@code dmaMap}, so it can
 * reach nothing else.
 *
 * <p>Before mapping, each region is sealed against shrinking where the descriptor allows it and the
 * file must cover the region; memory that cannot be sealed is accepted or refused by the
 * {@link MemoryPolicy}. A region whose descriptor is read-only is mapped read-only and shown to the
 * device read-only.
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
  record Region(long gpa, long size, long uva, int fd, Pointer mapping, long mappedBytes, List<ByteBuffer> chunks,
      boolean writable, SealResult seal, boolean hugetlb) {
    /** Whether the frontend can take pages from under the mapping: not sealed, or hugetlbfs (holes). */
    boolean shrinkable() {
      return seal == SealResult.NOT_SEALABLE || hugetlb;
    }

    boolean containsUva(long addr, long len) {
      return Long.compareUnsigned(addr, uva) >= 0 && Long.compareUnsigned(addr - uva, size) < 0
          && Long.compareUnsigned(len, size - (addr - uva)) <= 0;
    }
  }

  private final List<Region> regions;
  private boolean released;

  private MemoryTable(List<Region> regions) {
    this.regions = regions;
  }

  /**
   * Checks a SET_MEM_TABLE payload and its descriptors, then seals and maps every region. On failure
   * every descriptor is closed and nothing stays mapped.
   *
   * @param payload the message payload, little-endian, position 0
   * @param size the payload size
   * @param fds the descriptors that came with it, now owned by this call
   * @param policy what to accept of memory that cannot be sealed
   * @return the table
   * @throws ProtocolException if the table is malformed or refused (the message names the region and value)
   */
  static MemoryTable parse(ByteBuffer payload, int size, int[] fds, MemoryPolicy policy) throws ProtocolException {
    try {
      return parseChecked(payload, size, fds, policy);
    } catch (ProtocolException | RuntimeException e) {
      Fds.closeAll(fds);
      throw e;
    }
  }

  private static MemoryTable parseChecked(ByteBuffer p, int size, int[] fds, MemoryPolicy policy)
      throws ProtocolException {
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
      if (Long.compareUnsigned(gpa + len - 1, gpa) < 0 || Long.compareUnsigned(uva + len - 1, uva) < 0) {
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
        regions.add(map(i, r[i], fds[i], policy));
      }
    } catch (ProtocolException | RuntimeException e) {
      for (Region done : regions) {
        LibC.munmap(done.mapping(), done.mappedBytes()); // a failure here leaves address space, nothing else
      }
      throw e; // parse closes every descriptor
    }
    return new MemoryTable(List.copyOf(regions));
  }

  private static boolean overlaps(long a, long alen, long b, long blen) {
    return Long.compareUnsigned(a, b + blen - 1) <= 0 && Long.compareUnsigned(b, a + alen - 1) <= 0;
  }

  private static Region map(int i, long[] r, int fd, MemoryPolicy policy) throws ProtocolException {
    long len = r[1];
    long off = r[3];
    AccessMode mode;
    try {
      mode = Fds.accessMode(fd);
    } catch (IOException e) {
      throw new ProtocolException("memory region " + i + ": " + e.getMessage());
    }
    if (mode == AccessMode.WRITE_ONLY) {
      throw new ProtocolException("memory region " + i + ": its fd is open write-only, the backend must read it");
    }
    SealResult seal = Fds.sealShrink(fd);
    long page = Fds.pageSize(fd);
    boolean hugetlb = page > 4096;
    if (seal == SealResult.NOT_SEALABLE || hugetlb) {
      String refusal = policy.refusalForUnsealable();
      if (refusal != null) {
        throw new ProtocolException("memory region " + i + (hugetlb
            ? " is on hugetlbfs, where holes can be punched under a mapping even when sealed, and "
            : " cannot be sealed against shrinking (not a memfd, or created without MFD_ALLOW_SEALING) and ")
            + refusal);
      }
    }
    long fileSize;
    try {
      fileSize = Fds.size(fd);
    } catch (IOException e) {
      throw new ProtocolException("memory region " + i + ": cannot read the size of its fd (" + e.getMessage() + ")");
    }
    if (off + len < 0 || Long.compareUnsigned(off + len, fileSize) > 0) {
      throw new ProtocolException("memory region " + i + ": its fd has " + fileSize + " bytes, fewer than mmap offset "
          + off + " + size " + len);
    }
    // whole pages: on hugetlbfs the kernel maps (and can only unmap) whole huge pages
    long delta = off % page;
    long mapped = (len + delta + page - 1) / page * page;
    boolean writable = mode == AccessMode.READ_WRITE;
    Pointer base = LibC.mmap(null, mapped, writable ? LibC.PROT_READ | LibC.PROT_WRITE : LibC.PROT_READ,
        LibC.MAP_SHARED, fd, off - delta);
    if (writable && failed(base) && (LibC.errno() == LibC.EPERM || LibC.errno() == LibC.EACCES)) {
      // a write-sealed memfd: the frontend shares it read-only
      writable = false;
      base = LibC.mmap(null, mapped, LibC.PROT_READ, LibC.MAP_SHARED, fd, off - delta);
    }
    if (failed(base)) {
      throw new ProtocolException("memory region " + i + ": cannot map its fd (" + LibC.describe(LibC.errno()) + ")");
    }
    List<ByteBuffer> chunks = new ArrayList<>();
    for (long at = 0; at < len; at += CHUNK) {
      ByteBuffer b = base.getByteBuffer(delta + at, Math.min(CHUNK, len - at));
      chunks.add(writable ? b : b.asReadOnlyBuffer());
    }
    return new Region(r[0], len, r[2], fd, base, mapped, List.copyOf(chunks), writable, seal, hugetlb);
  }

  private static boolean failed(Pointer p) {
    return p == null || Pointer.nativeValue(p) == -1L;
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
    Region r = regionOf(uva, len);
    return r == null ? -1 : r.gpa() + (uva - r.uva());
  }

  /**
   * Whether a frontend virtual address range lies in one writable region.
   *
   * @param uva the frontend virtual address
   * @param len the length of the area
   * @return true if the device may write all of it
   */
  boolean writable(long uva, long len) {
    Region r = regionOf(uva, len);
    return r != null && r.writable();
  }

  private Region regionOf(long uva, long len) {
    for (Region r : regions) {
      if (r.containsUva(uva, len)) {
        return r;
      }
    }
    return null;
  }

  /**
   * Maps every region into the device at its guest-physical address, read-write where the
   * frontend's descriptor allows writing, else read-only.
   *
   * @param device the device
   */
  void mapInto(VdpaDevice device) {
    for (Region r : regions) {
      long at = 0;
      for (ByteBuffer b : r.chunks()) {
        device.dmaMap(r.gpa() + at, b.duplicate().clear(),
            r.writable() ? VdpaDevice.DMA_READ_WRITE : VdpaDevice.DMA_READ);
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
   * Where the frontend's memory ends in guest-physical (IOVA) space.
   *
   * @return the highest region end, exclusive
   */
  long gpaEnd() {
    long end = 0;
    for (Region r : regions) {
      end = Math.max(end, r.gpa() + r.size());
    }
    return end;
  }

  /**
   * The regions that could not be sealed against shrinking (accepted by the policy).
   *
   * @return their indices, in order
   */
  List<Integer> unsealed() {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < regions.size(); i++) {
      if (regions.get(i).shrinkable()) {
        l.add(i);
      }
    }
    return l;
  }

  /**
   * How each region is protected, for the log: {@code "region 0 sealed by the frontend, read-write"}.
   *
   * @return one phrase per region, comma-separated
   */
  String describe() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < regions.size(); i++) {
      Region r = regions.get(i);
      s.append(i == 0 ? "" : ", ").append("region ").append(i).append(' ').append(switch (r.seal()) {
        case ALREADY_SEALED -> "sealed by the frontend";
        case SEALED_NOW -> "sealed by the backend";
        case NOT_SEALABLE -> "NOT sealable";
      }).append(r.hugetlb() ? ", hugetlbfs" : "").append(r.writable() ? ", read-write" : ", read-only");
    }
    return s.toString();
  }

  /**
   * Unmaps every region and closes the descriptors. The caller has reset the device first, so that
   * nothing reaches the memory any more. Idempotent.
   *
   * @return the regions that could not be unmapped (their address space stays taken), with the error
   */
  List<String> release() {
    if (released) {
      return List.of();
    }
    released = true;
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < regions.size(); i++) {
      Region r = regions.get(i);
      if (LibC.munmap(r.mapping(), r.mappedBytes()) != 0) {
        failed.add("region " + i + ": " + LibC.describe(LibC.errno()));
      }
      Fds.close(r.fd());
    }
    return failed;
  }
}
