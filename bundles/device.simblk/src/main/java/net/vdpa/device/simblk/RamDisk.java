package net.vdpa.device.simblk;

import java.nio.ByteBuffer;

/**
 * A RAM disk's bytes, taken in 1 MiB chunks where first written: reads of a chunk never written
 * give zeros, so a large disk costs only what is used. Confined to one worker at a time per range;
 * chunk creation is synchronized so two queues writing one chunk create it once. Its movers are
 * the disk itself: they keep no scratch space.
 */
final class RamDisk implements Disk, Disk.Io {
  static final int CHUNK = 1 << 20;
  private final long maxCapacity;
  private final ByteBuffer[] chunks;
  /** The size the device shows now: at most {@link #maxCapacity}. */
  private volatile long capacity;

  RamDisk(long capacityBytes) {
    this.maxCapacity = capacityBytes;
    this.capacity = capacityBytes;
    this.chunks = new ByteBuffer[(int) ((capacityBytes + CHUNK - 1) / CHUNK)];
  }

  @Override
  public long capacity() {
    return capacity;
  }

  /**
   * Changes the size the device shows, within the size it was created with; bytes beyond a shrink
   * are zeroed, so growing again shows zeros.
   *
   * @param bytes the new size
   * @throws IllegalArgumentException if it is above the created size or not whole sectors
   */
  @Override
  public void resize(long bytes) {
    if (bytes < 0 || bytes > maxCapacity || bytes % 512 != 0) {
      throw new IllegalArgumentException("capacity of " + bytes + " bytes is not whole sectors within the "
          + maxCapacity + " bytes the disk was created with");
    }
    if (bytes < capacity) {
      zero(bytes, capacity - bytes);
    }
    capacity = bytes;
  }

  @Override
  public Disk.Io io(int queue) {
    return this;
  }

  @Override
  public void close() {
    // memory goes with the device object
  }

  /** The chunk holding {@code offset}, or null if never written. */
  private ByteBuffer chunkOrNull(long offset) {
    return chunks[(int) (offset / CHUNK)];
  }

  /** The chunk holding {@code offset}, created (zeroed) if needed. */
  private synchronized ByteBuffer chunk(long offset) {
    int i = (int) (offset / CHUNK);
    ByteBuffer c = chunks[i];
    if (c == null) {
      c = ByteBuffer.allocateDirect(CHUNK);
      chunks[i] = c;
    }
    return c;
  }

  @Override
  public void read(long off, ByteBuffer dst, int at, int n) {
    long d = off;
    int to = at;
    int left = n;
    while (left > 0) {
      ByteBuffer chunk = chunkOrNull(d);
      int in = (int) (d % CHUNK);
      int k = Math.min(left, CHUNK - in);
      if (chunk != null) {
        dst.put(to, chunk, in, k);
      } else {
        for (int i = 0; i < k; i++) {
          dst.put(to + i, (byte) 0);
        }
      }
      to += k;
      left -= k;
      d += k;
    }
  }

  @Override
  public void write(long off, ByteBuffer src, int at, int n) {
    long d = off;
    int from = at;
    int left = n;
    while (left > 0) {
      ByteBuffer chunk = chunk(d);
      int in = (int) (d % CHUNK);
      int k = Math.min(left, CHUNK - in);
      chunk.put(in, src, from, k);
      from += k;
      left -= k;
      d += k;
    }
  }

  /** Zeroes a range (DISCARD, WRITE_ZEROES); chunks never written stay absent. */
  @Override
  public void zero(long offset, long len) {
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

  @Override
  public void flush() {
    // no volatile cache: a completed write is as durable as memory gets
  }

  @Override
  public synchronized long allocatedBytes() {
    long n = 0;
    for (ByteBuffer c : chunks) {
      if (c != null) {
        n += CHUNK;
      }
    }
    return n;
  }
}
