package net.vdpa.unix;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The few C library calls the vhost-user backend needs and Java 17 lacks: Unix sockets that carry
 * file descriptors, {@code poll(2)} on any descriptor, {@code fcntl(2)} for access modes and
 * memfd seals, {@code mmap(2)} of a received descriptor. Bound once through JNA's direct mapping
 * (the JNA bundle is installed beside this one and keeps its native library for the life of the
 * framework). Calls return the C result; the error number is {@link #errno()}, saved by JNA after
 * each call. Linux, 64-bit (LP64 structure layouts below).
 *
 * <p>Structure layouts (LP64 Linux): {@code struct msghdr} 56 bytes, {@code struct iovec} 16,
 * {@code struct cmsghdr} 16-byte header, {@code struct pollfd} 8, {@code struct ucred} 12,
 * {@code struct sockaddr_un} 110.
 */
@ProviderType
public final class LibC {
  static {
    Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
  }

  public static final int AF_UNIX = 1;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOL_SOCKET = 1;
  public static final int SO_PEERCRED = 17;
  public static final int SCM_RIGHTS = 1;
  public static final int SHUT_RDWR = 2;
  public static final int MSG_CTRUNC = 0x8;
  public static final int MSG_DONTWAIT = 0x40;
  public static final int MSG_NOSIGNAL = 0x4000;
  public static final int MSG_CMSG_CLOEXEC = 0x40000000;

  public static final short POLLIN = 0x1;
  public static final short POLLOUT = 0x4;
  public static final short POLLERR = 0x8;
  public static final short POLLHUP = 0x10;
  public static final short POLLNVAL = 0x20;
  public static final short POLLRDHUP = 0x2000;

  public static final int F_GETFL = 3;
  public static final int F_SETFL = 4;
  public static final int O_NONBLOCK = 0x800;
  public static final int O_ACCMODE = 3;
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int F_ADD_SEALS = 1033;
  public static final int F_GET_SEALS = 1034;
  public static final int F_SEAL_SEAL = 0x1;
  public static final int F_SEAL_SHRINK = 0x2;

  public static final int PROT_READ = 0x1;
  public static final int PROT_WRITE = 0x2;
  public static final int MAP_SHARED = 0x1;

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EINVAL = 22;
  public static final int ECONNREFUSED = 111;

  /** Bytes of {@code struct sockaddr_un}; its path holds at most 107 bytes and a NUL. */
  public static final int SOCKADDR_UN_BYTES = 110;
  /** The longest socket path, in bytes. */
  public static final int MAX_PATH_BYTES = 107;
  /** Linux's SCM_MAX_FD: the most descriptors one sendmsg can carry. */
  public static final int SCM_MAX_FD = 253;

  private LibC() {}

  public static native int socket(int domain, int type, int protocol);

  public static native int bind(int fd, Pointer addr, int len);

  public static native int listen(int fd, int backlog);

  public static native int accept4(int fd, Pointer addr, Pointer len, int flags);

  public static native int connect(int fd, Pointer addr, int len);

  public static native long recvmsg(int fd, Pointer msghdr, int flags);

  public static native long sendmsg(int fd, Pointer msghdr, int flags);

  public static native long read(int fd, Pointer buf, long count);

  public static native long write(int fd, Pointer buf, long count);

  public static native int close(int fd);

  public static native int shutdown(int fd, int how);

  public static native int poll(Pointer fds, long nfds, int timeoutMillis);

  /** {@code fcntl} with an int argument (F_GETFL ignores it). */
  public static native int fcntl(int fd, int cmd, int arg);

  public static native int getsockopt(int fd, int level, int name, Pointer value, Pointer len);

  public static native Pointer mmap(Pointer addr, long len, int prot, int flags, int fd, long offset);

  public static native int munmap(Pointer addr, long len);

  public static native int getuid();

  /** {@code fstatfs}: {@code struct statfs} is 120 bytes; {@code f_type} at 0, {@code f_bsize} at 8. */
  public static native int fstatfs(int fd, Pointer buf);

  /** {@code f_type} of hugetlbfs. */
  public static final long HUGETLBFS_MAGIC = 0x958458f6L;

  public static native String strerror(int errnum);

  /**
   * The error number of the last call on this thread.
   *
   * @return errno
   */
  public static int errno() {
    return Native.getLastError();
  }

  /**
   * A readable error for the last call: {@code "Permission denied (errno 13)"}.
   *
   * @param errno the error number
   * @return its text
   */
  public static String describe(int errno) {
    return strerror(errno) + " (errno " + errno + ")";
  }
}
