package net.vdpa.device.simblk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.vdpa.api.blk.VirtioBlk;

/**
 * A disk kept in a file: created sparse (only its last byte written) when it does not exist yet,
 * opened again as it is when it does, so the device's data outlives the runtime. Positional
 * {@link FileChannel} reads and writes go straight into and out of the driver's memory, each worker
 * through views of its own (the chain's buffers are shared by every queue, so their positions are
 * not ours to move) and a channel of its own (queue 0 uses the channel that holds the lock; a
 * channel's per-call bookkeeping is synchronized, so two workers on one channel wait for each
 * other); FLUSH is
 * {@link FileChannel#force}. The file is locked while the device exists: one device per file,
 * across processes too. Deleting the device leaves the file.
 */
final class FileDisk implements Disk {
  /** The zero buffer of one worker: a piece of a larger range is zeroed per call. */
  static final int BOUNCE = 128 << 10;

  private final Path path;
  private final FileChannel ch;
  private final FileLock lock;
  private final boolean readOnly;
  /** Whether {@link #open} made the file (a refused device takes it back). */
  private final boolean created;
  /** The size the device shows: the file's length. */
  private volatile long capacity;
  /** Channels of queues 1 and up, opened on first use; guarded by this. */
  private final java.util.List<FileChannel> queueChannels = new java.util.ArrayList<>();

  private FileDisk(Path path, FileChannel ch, FileLock lock, boolean readOnly, boolean created, long capacity) {
    this.created = created;
    this.path = path;
    this.ch = ch;
    this.lock = lock;
    this.readOnly = readOnly;
    this.capacity = capacity;
  }

  /**
   * Checks a backing file without changing anything: what capacity the device will have.
   *
   * @param path the file
   * @param capacity the capacity asked for in bytes, or null for the file's size (or {@code
   *     fallback} for a file still to be created)
   * @param readOnly whether the device is read-only (then the file must exist)
   * @param fallback the capacity of a new file when none is asked for
   * @return the capacity in bytes
   * @throws IllegalArgumentException naming the file and the value that does not fit
   */
  static long inspect(Path path, Long capacity, boolean readOnly, long fallback) {
    if (!Files.exists(path)) {
      if (readOnly) {
        throw new IllegalArgumentException("file " + path + " does not exist (a read-only device needs one)");
      }
      Path dir = path.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new IllegalArgumentException("file " + path + " cannot be created: directory " + dir + " does not exist");
      }
      if (!Files.isWritable(dir)) {
        throw new IllegalArgumentException("file " + path + " cannot be created: directory " + dir + " is not writable");
      }
      return capacity != null ? capacity : fallback;
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("file " + path + " is not a regular file");
    }
    if (!Files.isReadable(path) || (!readOnly && !Files.isWritable(path))) {
      throw new IllegalArgumentException("file " + path + " is not " + (readOnly ? "readable" : "readable and writable"));
    }
    probeLock(path, readOnly);
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("file " + path + ": " + reason(e));
    }
    if (size == 0 && !readOnly) {
      return capacity != null ? capacity : fallback; // an empty file is filled out like a new one
    }
    if (size % VirtioBlk.SECTOR != 0 || size == 0) {
      throw new IllegalArgumentException("file " + path + " is " + size + " bytes, not whole 512-byte sectors");
    }
    if (capacity != null && capacity != size) {
      throw new IllegalArgumentException("capacity " + capacity + " differs from the " + size + " bytes of file " + path);
    }
    return size;
  }

  /**
   * Opens (or creates) the file and locks it.
   *
   * @param path the file, checked by {@link #inspect}
   * @param capacity the capacity {@link #inspect} returned
   * @param readOnly whether to open it for reading only
   * @return the disk
   * @throws IllegalArgumentException naming the file if it cannot be opened, created or locked
   */
  static FileDisk open(Path path, long capacity, boolean readOnly) {
    FileChannel ch = null;
    boolean created = false;
    try {
      if (readOnly) {
        ch = FileChannel.open(path, StandardOpenOption.READ);
      } else {
        try {
          ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.SPARSE,
              StandardOpenOption.READ, StandardOpenOption.WRITE);
          created = true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
          ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
      }
      FileLock lock = lock(ch, path, readOnly);
      long size = ch.size();
      if (size == 0 && !readOnly) {
        ch.write(ByteBuffer.allocate(1), capacity - 1); // sparse: only the last block is written
        ch.force(true); // the length is metadata: make it durable before anything relies on it
      } else if (size != capacity) {
        throw new IllegalArgumentException("file " + path + " is " + size + " bytes, not the " + capacity + " expected");
      }
      return new FileDisk(path, ch, lock, readOnly, created, capacity);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      if (created) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException ignored) {
          // nothing was created that we could not take back but this; the message below says why
        }
      }
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("file " + path + ": " + reason(e));
    }
  }

  /** Whether another process holds the file's lock now: taken and given back at once. */
  private static void probeLock(Path path, boolean readOnly) {
    try (FileChannel ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
        : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      lock(ch, path, readOnly).release();
    } catch (IOException e) {
      throw new IllegalArgumentException("file " + path + ": " + reason(e));
    }
  }

  private static FileLock lock(FileChannel ch, Path path, boolean shared) throws IOException {
    FileLock lock;
    try {
      lock = ch.tryLock(0, Long.MAX_VALUE, shared);
    } catch (OverlappingFileLockException e) {
      throw new IllegalArgumentException("file " + path + " is in use by another device");
    }
    if (lock == null) {
      throw new IllegalArgumentException("file " + path + " is in use by another process");
    }
    return lock;
  }

  private static String reason(Exception e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing is all we wanted; there is nothing left to undo
      }
    }
  }

  /** The backing file. */
  Path path() {
    return path;
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public synchronized void resize(long bytes) {
    if (readOnly) {
      throw new IllegalArgumentException("file " + path + " is read-only; its capacity cannot change");
    }
    if (bytes < VirtioBlk.SECTOR || bytes % VirtioBlk.SECTOR != 0) {
      throw new IllegalArgumentException("capacity of " + bytes + " bytes is not a positive number of sectors");
    }
    try {
      if (bytes < capacity) {
        capacity = bytes; // the device stops showing the tail before the file loses it
        ch.truncate(bytes);
      } else if (bytes > capacity) {
        ch.write(ByteBuffer.allocate(1), bytes - 1);
        capacity = bytes;
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("file " + path + ": cannot resize to " + bytes + " bytes: " + reason(e));
    }
  }

  @Override
  public long allocatedBytes() {
    return 0; // nothing in memory: the file system holds it
  }

  @Override
  public Disk.Io io(int queue) {
    return new FileIo(channel(queue));
  }

  /** Queue 0's channel is the locked one; other queues open the file again (the lock is per file). */
  private synchronized FileChannel channel(int queue) {
    if (queue <= 0) {
      return ch;
    }
    while (queueChannels.size() < queue) {
      queueChannels.add(null);
    }
    FileChannel c = queueChannels.get(queue - 1);
    if (c == null || !c.isOpen()) {
      try {
        c = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
            : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (IOException e) {
        return ch; // correct all the same, only shared with queue 0
      }
      queueChannels.set(queue - 1, c);
    }
    return c;
  }

  @Override
  public void discard() {
    close();
    if (created) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // an empty sparse file left behind holds no data; the refusal is what the user sees
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      queueChannels.forEach(FileDisk::closeQuietly);
      queueChannels.clear();
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // closing the channel below releases it as well
    }
    closeQuietly(ch);
  }

  /**
   * One worker's mover: positional I/O straight between the file and the driver's memory, through
   * this worker's own {@link Views} of it (no bounce copy). Allocates nothing per call.
   */
  private static final class FileIo implements Disk.Io {
    private final FileChannel ch;
    private final Views views = new Views();
    /** Zeros for WRITE_ZEROES and DISCARD, made on first use (the rare path). */
    private ByteBuffer zeros;

    FileIo(FileChannel ch) {
      this.ch = ch;
    }

    @Override
    public void read(long off, ByteBuffer dst, int at, int n) throws IOException {
      ByteBuffer v = views.of(dst, at, n);
      while (v.hasRemaining()) {
        if (ch.read(v, off + v.position() - at) < 0) {
          throw new EOFException("end of file at " + (off + v.position() - at));
        }
      }
    }

    @Override
    public void write(long off, ByteBuffer src, int at, int n) throws IOException {
      ByteBuffer v = views.of(src, at, n);
      while (v.hasRemaining()) {
        ch.write(v, off + v.position() - at);
      }
    }

    @Override
    public void zero(long off, long len) throws IOException {
      if (zeros == null) {
        zeros = ByteBuffer.allocateDirect(BOUNCE);
      }
      long done = 0;
      while (done < len) {
        int k = (int) Math.min(BOUNCE, len - done);
        zeros.clear().limit(k);
        while (zeros.hasRemaining()) {
          ch.write(zeros, off + done + zeros.position());
        }
        done += k;
      }
    }

    @Override
    public void flush() throws IOException {
      ch.force(false);
    }
  }
}
