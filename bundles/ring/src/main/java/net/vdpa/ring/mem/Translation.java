package net.vdpa.ring.mem;

import java.nio.ByteBuffer;

/**
 * The reusable result of one {@link Iotlb#translate} call: where a guest address range starts in a
 * Java buffer and how much of it is contiguous there. It also remembers the last mapping it hit, so
 * that the next translation near the same address needs no search.
 *
 * <p>Not thread-safe: each queue side owns its own translations (driver side: one thread; device
 * side: one thread).
 */
public final class Translation {
  ByteBuffer buffer;
  int offset;
  int length;
  /** The table the cached index belongs to. */
  Object cachedTable;
  /** Index of the last entry hit in {@link #cachedTable}. */
  int cachedIndex;
  // The last hit, flattened so that a hit costs no pointer chasing: the IOVAs [hitLo, hitHi] that
  // the same buffer serves for the same access mode, the IOVA of the buffer's index 0, and the
  // buffer (null when nothing is cached).
  long hitLo;
  long hitHi;
  long hitBase;
  boolean hitWrite;
  ByteBuffer hitBuffer;

  /** Creates an empty translation. */
  public Translation() {}

  /**
   * The buffer holding the translated bytes; use absolute indices only.
   *
   * @return a little-endian view, writable only if the translation asked for write access
   */
  public ByteBuffer buffer() {
    return buffer;
  }

  /**
   * Where the range starts in {@link #buffer()}.
   *
   * @return an absolute index
   */
  public int offset() {
    return offset;
  }

  /**
   * The buffer of the last hit, for {@link Iotlb#hitOffset}; use absolute indices only.
   *
   * @return the buffer, or null when nothing is cached
   */
  public ByteBuffer hitBuffer() {
    return hitBuffer;
  }

  /**
   * How many bytes of the requested range are contiguous in {@link #buffer()} from
   * {@link #offset()}: the whole request, or less where the range crosses into another mapping.
   *
   * @return bytes, at least 1 after a successful translation
   */
  public int length() {
    return length;
  }
}
