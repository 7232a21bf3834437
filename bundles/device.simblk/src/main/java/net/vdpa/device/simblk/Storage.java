package net.vdpa.device.simblk;

import java.nio.ByteBuffer;

/**
 * A RAM disk's bytes, taken in 1 MiB chunks where first written: reads of a chunk never written
 * give zeros, so a large disk costs only what is used. Confined to one worker at a time per range;
 * chunk creation is synchronized so two queues writing one chunk create it once.
 */
final class Storage {
  static final int CHUNK = 1 << 20;
  private final long maxCapacity;
  private final ByteBuffer[] chunks;
  /** The size the device shows now: at most {@link #maxCapacity}. */
  private volatile long capacity;

  Storage(long capacityBytes) {
    this.maxCapacity = capacityBytes;
    this.capacity = capacityBytes;
    this.chunks = new ByteBuffer[(int) ((capacityBytes + CHUNK - 1) / CHUNK)];
  }

  long capacity() {
    return capacity;
  }

  /**
   * Changes the size the device shows, within the size it was created with; bytes beyond a shrink
   * are zeroed, so growing again shows zeros.
   *
   * @param bytes the new size
   * @throws IllegalArgumentException if it is above the created size or not whole sectors
   */
  void resize(long bytes) {
    if (bytes < 0 || bytes > maxCapacity || bytes % 512 != 0) {
      throw new IllegalArgumentException("capacity of " + bytes + " bytes is not whole sectors within the "
          + maxCapacity + " bytes the disk was created with");
    }
    if (bytes < capacity) {
      zero(bytes, capacity - bytes);
    }
    capacity = bytes;
  }

  /** The chunk holding {@code offset}, or null if never written. */
  ByteBuffer chunkOrNull(long offset) {
    return chunks[(int) (offset / CHUNK)];
  }

  /** The chunk holding {@code offset}, created (zeroed) if needed. */
  synchronized ByteBuffer chunk(long offset) {
    int i = (int) (offset / CHUNK);
    ByteBuffer c = chunks[i];
    if (c == null) {
      c = ByteBuffer.allocateDirect(CHUNK);
      chunks[i] = c;
    }
    return c;
  }

  /** Zeroes a range (DISCARD, WRITE_ZEROES); chunks never written stay absent. */
  void zero(long offset, long len) {
    long at = offset;
    long end = offset + len;
    while (at < end) {
      ByteBuffer c = chunkOrNull(at);
      int in = (int) (at % CHUNK);
      int n = (int) Math.min(CHUNK - in, end - at);
      if (c != null) {
        for (int i = 0; i < n; i++) {
          c.put(in + i, (byte) 0);
        }
      }
      at += n;
    }
  }

  /** Bytes taken in memory. */
  synchronized long allocatedBytes() {
    long n = 0;
    for (ByteBuffer c : chunks) {
      if (c != null) {
        n += CHUNK;
      }
    }
    return n;
  }
}
