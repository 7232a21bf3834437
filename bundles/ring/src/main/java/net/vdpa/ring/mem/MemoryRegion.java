package net.vdpa.ring.mem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A block of off-heap memory that can be mapped into an {@link Iotlb}: a direct {@link ByteBuffer},
 * or a memory-mapped file (which is how a memfd received over a Unix socket is mapped, through
 * {@code /proc/self/fd/N}, so that another process sees the same bytes).
 *
 * <p>One {@link ByteBuffer} reaches at most 2 GiB, so a region is cut into chunks of 1 GiB. Each
 * chunk's buffer reaches {@link #CHUNK_OVERLAP} bytes into the next chunk, so that any structure of
 * up to 2 MiB (every ring area and indirect table) is contiguous in one chunk wherever it starts;
 * longer buffers are handed out as several segments.
 *
 * <p>The region itself holds no mutable state: its chunk buffers are only ever used with absolute
 * indices, never with their position or limit, so any number of threads may use them.
 */
public final class MemoryRegion {
  /** log2 of the chunk size. */
  static final int CHUNK_SHIFT = 30;
  /** The chunk size, 1 GiB. */
  public static final long CHUNK_SIZE = 1L << CHUNK_SHIFT;
  /** How far each chunk's buffer reaches into the next chunk, 2 MiB. */
  public static final int CHUNK_OVERLAP = 2 << 20;
  private static final int PAGE = 4096;

  private final long size;
  private final boolean writable;
  /** Writable views per chunk, or null for a read-only region. */
  private final ByteBuffer[] rw;
  /** Read-only views per chunk. */
  private final ByteBuffer[] ro;
  private final String name;

  private MemoryRegion(String name, long size, ByteBuffer[] chunks, boolean writable) {
    this.name = name;
    this.size = size;
    this.writable = writable;
    this.ro = new ByteBuffer[chunks.length];
    this.rw = writable ? new ByteBuffer[chunks.length] : null;
    for (int i = 0; i < chunks.length; i++) {
      ro[i] = chunks[i].asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (writable) {
        rw[i] = chunks[i].duplicate().order(ByteOrder.LITTLE_ENDIAN);
      }
    }
  }

  /**
   * Allocates a zeroed, page-aligned direct region.
   *
   * @param size bytes, 1 to 2^31 - 8193
   * @return the region
   * @throws IllegalArgumentException if the size is out of range
   */
  public static MemoryRegion allocate(long size) {
    return wrap(pageAlignedBuffer(size), "direct[" + size + "]");
  }

  /**
   * Allocates a zeroed direct buffer that starts on a page boundary. A plain
   * {@link ByteBuffer#allocateDirect} starts 16 bytes into a page (the C allocator's chunk header),
   * so every block a caller aligns to 64 bytes inside it spans two cache lines.
   *
   * @param size bytes, 1 to 2^31 - 8193
   * @return the buffer, big-endian as every new buffer, position 0, capacity {@code size}
   * @throws IllegalArgumentException if the size is out of range
   */
  public static ByteBuffer pageAlignedBuffer(long size) {
    if (size < 1 || size > Integer.MAX_VALUE - 2 * PAGE) {
      throw new IllegalArgumentException(
          "direct region size " + size + " is outside 1.." + (Integer.MAX_VALUE - 2 * PAGE)
              + "; map a file for larger regions");
    }
    // alignedSlice also rounds the capacity down to whole pages: round the size up first
    int pages = (int) ((size + PAGE - 1) & -PAGE);
    ByteBuffer raw = ByteBuffer.allocateDirect(pages + PAGE).alignedSlice(PAGE);
    return raw.limit((int) size).slice();
  }

  /**
   * Wraps an existing direct buffer (its position to its limit).
   *
   * @param buffer a direct, writable or read-only buffer
   * @return the region
   * @throws IllegalArgumentException if the buffer is on the heap or empty
   */
  public static MemoryRegion wrap(ByteBuffer buffer) {
    return wrap(buffer, "wrapped[" + buffer.remaining() + "]");
  }

  private static MemoryRegion wrap(ByteBuffer buffer, String name) {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("buffer " + buffer + " is not direct");
    }
    if (!buffer.hasRemaining()) {
      throw new IllegalArgumentException("buffer " + buffer + " is empty");
    }
    ByteBuffer whole = buffer.slice();
    long size = whole.capacity();
    int n = chunkCount(size);
    ByteBuffer[] chunks = new ByteBuffer[n];
    for (int i = 0; i < n; i++) {
      long start = (long) i << CHUNK_SHIFT;
      long end = Math.min(size, start + CHUNK_SIZE + CHUNK_OVERLAP);
      chunks[i] = whole.slice((int) start, (int) (end - start));
    }
    return new MemoryRegion(name, size, chunks, !buffer.isReadOnly());
  }

  /**
   * Maps part of a file into memory shared with every other process that maps it (a memfd reached
   * through {@code /proc/self/fd/N}, a hugetlbfs or tmpfs file). Regions beyond 2 GiB are mapped as
   * overlapping 1 GiB chunks. The file must be at least {@code offset + size} bytes long.
   *
   * @param path the file
   * @param offset where the region starts in the file (a multiple of the page size is best)
   * @param size bytes to map, at least 1
   * @param writable map read-write (else read-only)
   * @return the region
   * @throws IOException if the file cannot be opened or mapped
   * @throws IllegalArgumentException if offset or size is out of range
   */
  public static MemoryRegion map(Path path, long offset, long size, boolean writable)
      throws IOException {
    if (offset < 0 || size < 1 || offset + size < 0) {
      throw new IllegalArgumentException(
          "cannot map offset " + offset + " size " + size + " of " + path);
    }
    try (FileChannel ch =
        writable
            ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(path, StandardOpenOption.READ)) {
      if (ch.size() < offset + size) {
        throw new IllegalArgumentException(
            path + " is " + ch.size() + " bytes, shorter than offset " + offset + " + size " + size);
      }
      int n = chunkCount(size);
      ByteBuffer[] chunks = new ByteBuffer[n];
      FileChannel.MapMode mode =
          writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY;
      for (int i = 0; i < n; i++) {
        long start = (long) i << CHUNK_SHIFT;
        long end = Math.min(size, start + CHUNK_SIZE + CHUNK_OVERLAP);
        MappedByteBuffer m = ch.map(mode, offset + start, end - start);
        chunks[i] = m;
      }
      return new MemoryRegion(path + "@" + offset + "+" + size, size, chunks, writable);
    }
  }

  private static int chunkCount(long size) {
    return (int) ((size + CHUNK_SIZE - 1) >>> CHUNK_SHIFT);
  }

  /**
   * The region's length.
   *
   * @return bytes
   */
  public long size() {
    return size;
  }

  /**
   * Whether the region can be written (a read-only file mapping cannot).
   *
   * @return true if writable
   */
  public boolean writable() {
    return writable;
  }

  /**
   * The buffer of one chunk, for code that translates itself. Use absolute indices only.
   *
   * @param chunk the chunk number, {@code offset >>> 30}
   * @param write true for the writable view (null if the region is read-only)
   * @return the chunk's little-endian view
   */
  ByteBuffer chunk(int chunk, boolean write) {
    return write ? (rw == null ? null : rw[chunk]) : ro[chunk];
  }

  /**
   * Copies bytes into the region (driver-side helper: filling a buffer before adding it).
   *
   * @param offset where to write in the region
   * @param src the bytes
   * @param srcOffset first byte of {@code src}
   * @param length how many bytes
   * @throws IndexOutOfBoundsException if the range is outside the region
   * @throws java.nio.ReadOnlyBufferException if the region is read-only
   */
  public void put(long offset, byte[] src, int srcOffset, int length) {
    checkRange(offset, length);
    if (rw == null) {
      throw new java.nio.ReadOnlyBufferException();
    }
    int done = 0;
    while (done < length) {
      long at = offset + done;
      int c = (int) (at >>> CHUNK_SHIFT);
      int pos = (int) (at - ((long) c << CHUNK_SHIFT));
      int n = Math.min(length - done, rw[c].capacity() - pos);
      rw[c].put(pos, src, srcOffset + done, n);
      done += n;
    }
  }

  /**
   * Copies bytes out of the region (driver-side helper: reading a buffer the device filled).
   *
   * @param offset where to read in the region
   * @param dst the destination
   * @param dstOffset first byte of {@code dst}
   * @param length how many bytes
   * @throws IndexOutOfBoundsException if the range is outside the region
   */
  public void get(long offset, byte[] dst, int dstOffset, int length) {
    checkRange(offset, length);
    int done = 0;
    while (done < length) {
      long at = offset + done;
      int c = (int) (at >>> CHUNK_SHIFT);
      int pos = (int) (at - ((long) c << CHUNK_SHIFT));
      int n = Math.min(length - done, ro[c].capacity() - pos);
      ro[c].get(pos, dst, dstOffset + done, n);
      done += n;
    }
  }

  private void checkRange(long offset, int length) {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new IndexOutOfBoundsException(
          "range " + offset + "+" + length + " is outside region " + name + " of " + size + " bytes");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
