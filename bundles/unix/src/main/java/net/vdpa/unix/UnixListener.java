package net.vdpa.unix;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A listening Unix stream socket bound to a path, mode 0600. {@link #accept(int)} waits with a
 * timeout; {@link #shutdown()} from any thread wakes it for good; {@link #close()} is the accepting
 * thread's.
 */
@ProviderType
public final class UnixListener implements AutoCloseable {
  private final Path path;
  private final Memory pollfd = new Memory(8);
  /** Guarded by {@code this}: -1 once closed. */
  private int fd;
  /** Guarded by {@code this}. */
  private boolean shut;

  private UnixListener(Path path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /**
   * Binds and listens; the caller has made sure nothing else lives at the path.
   *
   * @param path the socket path (at most 107 bytes)
   * @param backlog how many connections may wait to be accepted
   * @return the listener
   * @throws IOException if the socket cannot be bound (the message names the path)
   */
  public static UnixListener bind(Path path, int backlog) throws IOException {
    int s = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    if (s < 0) {
      throw new IOException("cannot create a Unix socket: " + LibC.describe(LibC.errno()));
    }
    try (Memory addr = SockAddr.of(path)) {
      if (LibC.bind(s, addr, LibC.SOCKADDR_UN_BYTES) < 0) {
        throw new IOException("cannot bind " + path + ": " + LibC.describe(LibC.errno()));
      }
      // the directory is the runtime's own (0700), so nobody else could reach the socket meanwhile
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      if (LibC.listen(s, backlog) < 0) {
        throw new IOException("cannot listen on " + path + ": " + LibC.describe(LibC.errno()));
      }
    } catch (IOException | RuntimeException e) {
      LibC.close(s);
      throw e;
    }
    return new UnixListener(path, s);
  }

  /**
   * The path bound.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Waits for the next connection.
   *
   * @param timeoutMillis the longest wait
   * @param areaBytes the largest message either way on the new channel
   * @param maxFds the most descriptors one message may carry on it
   * @return the connection, or null on timeout
   * @throws IOException once shut down or closed, or if accept fails
   */
  public UnixChannel accept(int timeoutMillis, int areaBytes, int maxFds) throws IOException {
    final int f;
    synchronized (this) {
      if (shut || fd < 0) {
        throw new IOException("listener on " + path + " is closed");
      }
      f = fd;
    }
    pollfd.setInt(0, f);
    pollfd.setShort(4, LibC.POLLIN);
    pollfd.setShort(6, (short) 0);
    int n = LibC.poll(pollfd, 1, timeoutMillis);
    synchronized (this) {
      if (shut) {
        throw new IOException("listener on " + path + " is closed");
      }
    }
    if (n <= 0) {
      return null;
    }
    int c = LibC.accept4(f, null, null, LibC.SOCK_CLOEXEC);
    if (c < 0) {
      int e = LibC.errno();
      if (e == LibC.EAGAIN || e == LibC.EINTR) {
        return null;
      }
      throw new IOException("accept on " + path + " failed: " + LibC.describe(e));
    }
    return UnixChannel.of(c, areaBytes, maxFds);
  }

  /** Stops accepting: the waiting thread wakes and {@link #accept} throws. Any thread. */
  public synchronized void shutdown() {
    shut = true;
    if (fd >= 0) {
      LibC.shutdown(fd, LibC.SHUT_RDWR);
    }
  }

  /** Closes the socket (the path stays: the caller deletes it). Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      shut = true;
      if (fd < 0) {
        return;
      }
      LibC.close(fd);
      fd = -1;
    }
    pollfd.close();
  }
}
