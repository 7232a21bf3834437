package net.vdpa.device.simblk;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a simulated block device keeps its bytes: memory ({@link RamDisk}) or a file ({@link
 * FileDisk}). A disk outlives driver resets and is closed when its device is deleted. Each request
 * queue's worker moves bytes through its own {@link Io}, so an {@code Io} may keep scratch space
 * without locks.
 */
interface Disk {
  /** The size the device shows now, in bytes (whole sectors). */
  long capacity();

  /**
   * Changes the size the device shows.
   *
   * @param bytes the new size, whole sectors
   * @throws IllegalArgumentException naming the value if this disk cannot take that size
   */
  void resize(long bytes);

  /** Bytes taken in memory or on the file system so far (tests, diagnostics). */
  long allocatedBytes();

  /**
   * A byte mover for the worker of one request queue. A queue gets a mover over the same resources
   * again after a driver reset (a file disk keeps one channel per queue, so two workers never share
   * a file descriptor's bookkeeping).
   *
   * @param queue the request queue, from 0
   * @return a new mover; it is confined to the thread that uses it
   */
  Io io(int queue);

  /** Closes a disk whose device was refused, taking back a file that was made for it. */
  default void discard() {
    close();
  }

  /** Gives back what the disk holds (a file's channel and lock); its movers fail afterwards. */
  void close();

  /**
   * One worker's way of moving bytes: every offset and length was checked against the capacity by
   * the caller. An {@link IOException} fails only the request that met it (IOERR).
   */
  interface Io {
    /** Copies {@code n} disk bytes from {@code off} to {@code dst[at, at + n)} (absolute indices). */
    void read(long off, ByteBuffer dst, int at, int n) throws IOException;

    /** Copies {@code src[at, at + n)} onto the disk at {@code off} (absolute indices). */
    void write(long off, ByteBuffer src, int at, int n) throws IOException;

    /** Makes {@code len} bytes from {@code off} read as zeros (DISCARD, WRITE_ZEROES). */
    void zero(long off, long len) throws IOException;

    /** Makes every completed write durable (FLUSH): a file is forced to its device. */
    void flush() throws IOException;
  }
}
