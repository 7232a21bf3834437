package net.vdpa.unix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the backend asks of a descriptor a frontend passed: its access mode, its memfd seals, the
 * size of the file behind it; and closing it. Descriptors are plain ints owned by whoever received
 * them: each is closed exactly once, by its owner.
 */
@ProviderType
public final class Fds {
  private Fds() {}

  /** How a descriptor was opened. */
  public enum AccessMode {
    READ_ONLY,
    WRITE_ONLY,
    READ_WRITE
  }

  /** What sealing against shrinking gave. */
  public enum SealResult {
    /** The frontend had sealed it already (QEMU's memfd backend does). */
    ALREADY_SEALED,
    /** The backend added F_SEAL_SHRINK now. */
    SEALED_NOW,
    /** The file cannot be sealed (not a memfd, or created without MFD_ALLOW_SEALING). */
    NOT_SEALABLE
  }

  /**
   * Closes a descriptor; errors are ignored (it is gone either way). Negative numbers are skipped.
   *
   * @param fd the descriptor
   */
  public static void close(int fd) {
    if (fd >= 0) {
      LibC.close(fd);
    }
  }

  /**
   * Closes every descriptor of an array.
   *
   * @param fds the descriptors, may be null
   */
  public static void closeAll(int[] fds) {
    if (fds != null) {
      closeAll(fds, 0, fds.length);
    }
  }

  /**
   * Closes the descriptors of an array from {@code from} to {@code to}.
   *
   * @param fds the descriptors, may be null
   * @param from the first index to close
   * @param to one past the last
   */
  public static void closeAll(int[] fds, int from, int to) {
    if (fds == null) {
      return;
    }
    for (int i = from; i < to; i++) {
      close(fds[i]);
    }
  }

  /**
   * The access mode the descriptor was opened with ({@code fcntl F_GETFL}).
   *
   * @param fd the descriptor
   * @return its mode
   * @throws IOException if the descriptor is not valid
   */
  public static AccessMode accessMode(int fd) throws IOException {
    int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
    if (flags < 0) {
      throw new IOException("fd " + fd + ": " + LibC.describe(LibC.errno()));
    }
    return switch (flags & LibC.O_ACCMODE) {
      case LibC.O_RDONLY -> AccessMode.READ_ONLY;
      case LibC.O_WRONLY -> AccessMode.WRITE_ONLY;
      default -> AccessMode.READ_WRITE;
    };
  }

  /**
   * Seals a memfd against shrinking, so that the frontend can no longer pull mapped pages away
   * (a shrunk file turns the next access into SIGBUS, which kills the JVM).
   *
   * @param fd the descriptor
   * @return what happened
   */
  public static SealResult sealShrink(int fd) {
    int seals = LibC.fcntl(fd, LibC.F_GET_SEALS, 0);
    if (seals < 0) {
      return SealResult.NOT_SEALABLE; // EINVAL: not shmem/hugetlbfs memfd
    }
    if ((seals & LibC.F_SEAL_SHRINK) != 0) {
      return SealResult.ALREADY_SEALED;
    }
    if ((seals & LibC.F_SEAL_SEAL) != 0) {
      return SealResult.NOT_SEALABLE; // created without MFD_ALLOW_SEALING, or sealed shut
    }
    if (LibC.fcntl(fd, LibC.F_ADD_SEALS, LibC.F_SEAL_SHRINK) < 0) {
      return SealResult.NOT_SEALABLE;
    }
    int after = LibC.fcntl(fd, LibC.F_GET_SEALS, 0);
    return after >= 0 && (after & LibC.F_SEAL_SHRINK) != 0 ? SealResult.SEALED_NOW : SealResult.NOT_SEALABLE;
  }

  /**
   * Whether a descriptor is an eventfd (what kick, call and error descriptors must be: a file that
   * always gives 8 bytes, or a pipe the frontend drains itself, would spin or block a thread).
   *
   * @param fd the descriptor
   * @return true for an eventfd
   */
  public static boolean isEventFd(int fd) {
    try {
      return "anon_inode:[eventfd]".equals(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * Makes a descriptor non-blocking, so that a read or write on it never waits, whatever the
   * frontend does to the file (a full eventfd counter, a drained one). The flag belongs to the open
   * file, which the frontend shares: frontends create their eventfds non-blocking anyway.
   *
   * @param fd the descriptor
   * @throws IOException if the flags cannot be changed
   */
  public static void setNonBlocking(int fd) throws IOException {
    int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
    if (flags < 0 || LibC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0) {
      throw new IOException("fd " + fd + ": cannot make it non-blocking: " + LibC.describe(LibC.errno()));
    }
  }

  /**
   * The page size of the memory behind a descriptor: the huge page size on hugetlbfs (where a
   * mapping's length and offset are whole huge pages), else 4096.
   *
   * @param fd the descriptor
   * @return bytes per page
   */
  public static long pageSize(int fd) {
    try (com.sun.jna.Memory st = new com.sun.jna.Memory(128)) {
      st.clear();
      if (LibC.fstatfs(fd, st) == 0 && (st.getLong(0) & 0xffff_ffffL) == LibC.HUGETLBFS_MAGIC) {
        long bsize = st.getLong(8);
        if (bsize > 0 && Long.bitCount(bsize) == 1) {
          return bsize;
        }
      }
    }
    return 4096;
  }

  /**
   * The size of the file behind a descriptor (stat through {@code /proc/self/fd}, which follows
   * the descriptor, not a path the frontend could swap).
   *
   * @param fd the descriptor
   * @return bytes
   * @throws IOException if it cannot be read
   */
  public static long size(int fd) throws IOException {
    return Files.size(Path.of("/proc/self/fd/" + fd));
  }

  /**
   * How many descriptors this process has open (tests and diagnostics).
   *
   * @return the count of {@code /proc/self/fd} entries
   * @throws IOException if it cannot be listed
   */
  public static long openCount() throws IOException {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
