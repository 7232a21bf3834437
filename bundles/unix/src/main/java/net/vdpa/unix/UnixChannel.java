package net.vdpa.unix;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One connected Unix stream socket that carries file descriptors (SCM_RIGHTS) both ways, with
 * deadlines on every wait. It owns its native buffers: a receive area, a send area and the
 * {@code msghdr}/control buffers, allocated once.
 *
 * <p>Received descriptors: the control buffer has room for {@link LibC#SCM_MAX_FD}, the most one
 * {@code sendmsg} can carry, so the kernel never truncates what a peer sends; every descriptor that
 * arrives is either kept for the caller (up to {@code maxFds} per message, taken with
 * {@link #takeFds()}) or closed at once. Each is received close-on-exec.
 *
 * <p>Threads: receiving and sending belong to one thread (the connection's). {@link #shutdown()}
 * may come from any thread and wakes that thread; {@link #close()} is the owner's, once it is done.
 */
@ProviderType
public final class UnixChannel implements AutoCloseable {
  /** Bytes of one receive or send area. */
  private final int areaBytes;
  private final Memory mem;
  private final Pointer in;
  private final Pointer out;
  private final Pointer msghdr;
  private final Pointer iov;
  private final Pointer control;
  private final Pointer pollfd;
  /** A second pollfd for {@link #peerHungUp()}, which other threads call. */
  private final Pointer hupPollfd;
  private final ByteBuffer inView;
  private final ByteBuffer outView;
  private static final int CONTROL_BYTES = 16 + ((LibC.SCM_MAX_FD * 4 + 7) & ~7);

  /** Guarded by {@code this}: -1 once closed. */
  private int fd;
  /** Descriptors received for the message being read; owner thread only. */
  private final ReceivedFds received;

  private UnixChannel(int fd, int areaBytes, int maxFds) {
    this.fd = fd;
    this.areaBytes = areaBytes;
    this.received = new ReceivedFds(maxFds);
    long total = 2L * areaBytes + 56 + 16 + CONTROL_BYTES + 16;
    this.mem = new Memory(total);
    mem.clear();
    this.in = mem.share(0, areaBytes);
    this.out = mem.share(areaBytes, areaBytes);
    this.msghdr = mem.share(2L * areaBytes, 56);
    this.iov = mem.share(2L * areaBytes + 56, 16);
    this.control = mem.share(2L * areaBytes + 72, CONTROL_BYTES);
    this.pollfd = mem.share(2L * areaBytes + 72 + CONTROL_BYTES, 8);
    this.hupPollfd = mem.share(2L * areaBytes + 80 + CONTROL_BYTES, 8);
    this.inView = in.getByteBuffer(0, areaBytes).order(ByteOrder.LITTLE_ENDIAN);
    this.outView = out.getByteBuffer(0, areaBytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Wraps an accepted descriptor.
   *
   * @param fd the connected socket, now owned by the channel
   * @param areaBytes the largest message either way
   * @param maxFds the most descriptors one message may carry
   * @return the channel
   */
  static UnixChannel of(int fd, int areaBytes, int maxFds) {
    return new UnixChannel(fd, areaBytes, maxFds);
  }

  /**
   * Connects to a listening socket (a frontend in tests; the backend as a client).
   *
   * @param path the socket path
   * @param areaBytes the largest message either way
   * @param maxFds the most descriptors one message may carry
   * @return the channel
   * @throws IOException if the connection is refused (the message names the path)
   */
  public static UnixChannel connect(Path path, int areaBytes, int maxFds) throws IOException {
    int s = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    if (s < 0) {
      throw new IOException("cannot create a Unix socket: " + LibC.describe(LibC.errno()));
    }
    try (Memory addr = SockAddr.of(path)) {
      if (LibC.connect(s, addr, LibC.SOCKADDR_UN_BYTES) < 0) {
        int e = LibC.errno();
        LibC.close(s);
        throw new IOException("cannot connect to " + path + ": " + LibC.describe(e));
      }
    }
    return new UnixChannel(s, areaBytes, maxFds);
  }

  /**
   * Connects to a listening socket without ever blocking: a listener whose backlog is full is
   * reported like one that is not there, so a caller that retries (the backend as the client of a
   * frontend that may restart) can always be stopped at once. The channel's waits have deadlines as
   * usual.
   *
   * @param path the socket path
   * @param areaBytes the largest message either way
   * @param maxFds the most descriptors one message may carry
   * @return the channel
   * @throws ConnectException if nobody listens there now: no socket file, a stale one, or a full
   *     backlog (the message names the path and the reason); worth retrying
   * @throws IOException if the connection fails otherwise (permission, path too long, not a socket)
   */
  public static UnixChannel connectNow(Path path, int areaBytes, int maxFds) throws IOException {
    int s = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK, 0);
    if (s < 0) {
      throw new IOException("cannot create a Unix socket: " + LibC.describe(LibC.errno()));
    }
    try (Memory addr = SockAddr.of(path)) {
      if (LibC.connect(s, addr, LibC.SOCKADDR_UN_BYTES) < 0) {
        int e = LibC.errno();
        String why = "cannot connect to " + path + ": " + LibC.describe(e);
        if (e == LibC.ENOENT || e == LibC.ECONNREFUSED || e == LibC.EAGAIN) {
          throw new ConnectException(why);
        }
        throw new IOException(why);
      }
    } catch (IOException | RuntimeException e) {
      LibC.close(s);
      throw e;
    }
    // the socket stays non-blocking: every receive and send of a channel is MSG_DONTWAIT plus poll anyway
    return new UnixChannel(s, areaBytes, maxFds);
  }

  /**
   * The receive area as a little-endian buffer (position and limit are the caller's).
   *
   * @return a view of native memory, valid until {@link #close()}
   */
  public ByteBuffer inArea() {
    return inView;
  }

  /**
   * The send area as a little-endian buffer (position and limit are the caller's).
   *
   * @return a view of native memory, valid until {@link #close()}
   */
  public ByteBuffer outArea() {
    return outView;
  }

  /**
   * Waits until the socket is readable (or the peer hung up).
   *
   * @param timeoutMillis the longest wait; 0 checks without waiting
   * @return true if readable or hung up, false on timeout
   * @throws IOException if the socket is closed or shut down
   */
  public boolean awaitReadable(int timeoutMillis) throws IOException {
    return poll(LibC.POLLIN, timeoutMillis) != 0;
  }

  /**
   * Whether the peer has closed its end (checked without waiting).
   *
   * @return true if the peer hung up or the socket is gone
   */
  public boolean peerHungUp() {
    int f;
    synchronized (this) {
      f = fd;
      if (f < 0) {
        return true;
      }
      hupPollfd.setInt(0, f);
      hupPollfd.setShort(4, LibC.POLLRDHUP);
      hupPollfd.setShort(6, (short) 0);
      int n = LibC.poll(hupPollfd, 1, 0);
      return n != 0 && (hupPollfd.getShort(6) & (LibC.POLLRDHUP | LibC.POLLHUP | LibC.POLLERR | LibC.POLLNVAL)) != 0;
    }
  }

  private int poll(short events, int timeoutMillis) throws IOException {
    final int f = fd;
    if (f < 0) {
      throw new IOException("socket closed");
    }
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (true) {
      pollfd.setInt(0, f);
      pollfd.setShort(4, events);
      pollfd.setShort(6, (short) 0);
      int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
      int n = LibC.poll(pollfd, 1, left);
      if (n < 0) {
        int e = LibC.errno();
        if (e == LibC.EINTR) {
          continue;
        }
        throw new IOException("poll failed: " + LibC.describe(e));
      }
      if (n == 0) {
        return 0;
      }
      short rev = pollfd.getShort(6);
      if ((rev & LibC.POLLNVAL) != 0) {
        throw new IOException("socket closed");
      }
      return rev;
    }
  }

  /**
   * Reads exactly {@code len} bytes into the receive area at {@code offset}, collecting any
   * descriptors that come with them.
   *
   * @param offset where in the receive area
   * @param len how many bytes
   * @param timeoutMillis the longest the whole read may take
   * @param eofAllowed true if an end of stream before the first byte is a clean end
   * @return false at a clean end of stream
   * @throws IOException if the socket fails, ends inside the read, or the deadline passes
   */
  public boolean readFully(int offset, int len, int timeoutMillis, boolean eofAllowed) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    int done = 0;
    while (done < len) {
      int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
      if (poll(LibC.POLLIN, left) == 0) {
        throw new InterruptedIOException("peer sent " + done + " of " + len + " bytes and then nothing for "
            + timeoutMillis + " ms");
      }
      long n = recv(offset + done, len - done);
      if (n == 0) {
        if (eofAllowed && done == 0) {
          return false;
        }
        throw new EOFException("peer closed the socket inside a message (" + done + " of " + len + " bytes read)");
      }
      if (n > 0) {
        done += (int) n;
      }
    }
    return true;
  }

  private long recv(int offset, int len) throws IOException {
    final int f = fd;
    iov.setPointer(0, in.share(offset));
    iov.setLong(8, len);
    msghdr.setPointer(0, null);
    msghdr.setInt(8, 0);
    msghdr.setPointer(16, iov);
    msghdr.setLong(24, 1);
    msghdr.setPointer(32, control);
    msghdr.setLong(40, CONTROL_BYTES);
    msghdr.setInt(48, 0);
    long n = LibC.recvmsg(f, msghdr, LibC.MSG_CMSG_CLOEXEC | LibC.MSG_DONTWAIT);
    if (n < 0) {
      int e = LibC.errno();
      if (e == LibC.EAGAIN || e == LibC.EINTR) {
        return -1;
      }
      throw new IOException("recvmsg failed: " + LibC.describe(e));
    }
    received.collect(control, msghdr.getLong(40), (msghdr.getInt(48) & LibC.MSG_CTRUNC) != 0);
    return n;
  }

  /**
   * Hands over the descriptors received since the last call: the caller owns them now.
   *
   * @return the descriptors, possibly empty
   * @throws FdOverflowException if more came than one message may carry (all were closed)
   */
  public int[] takeFds() throws FdOverflowException {
    return received.take();
  }

  /** No descriptors. */
  public static final int[] NO_FDS = new int[0];

  /**
   * Sends {@code len} bytes of the send area, with descriptors on the first byte.
   *
   * @param len bytes
   * @param sendFds descriptors to pass (still owned by the caller), may be empty
   * @param timeoutMillis the longest the peer may leave its receive buffer full
   * @throws IOException if the socket fails or the peer does not read in time
   */
  public void send(int len, int[] sendFds, int timeoutMillis) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    int done = 0;
    boolean fdsSent = sendFds.length == 0;
    while (done < len) {
      final int f = fd;
      if (f < 0) {
        throw new IOException("socket closed");
      }
      iov.setPointer(0, out.share(done));
      iov.setLong(8, len - done);
      msghdr.setPointer(0, null);
      msghdr.setInt(8, 0);
      msghdr.setPointer(16, iov);
      msghdr.setLong(24, 1);
      if (!fdsSent) {
        int bytes = 4 * sendFds.length;
        control.setLong(0, 16 + bytes);
        control.setInt(8, LibC.SOL_SOCKET);
        control.setInt(12, LibC.SCM_RIGHTS);
        for (int i = 0; i < sendFds.length; i++) {
          control.setInt(16 + 4L * i, sendFds[i]);
        }
        msghdr.setPointer(32, control);
        msghdr.setLong(40, 16 + ((bytes + 7) & ~7));
      } else {
        msghdr.setPointer(32, null);
        msghdr.setLong(40, 0);
      }
      msghdr.setInt(48, 0);
      long n = LibC.sendmsg(f, msghdr, LibC.MSG_NOSIGNAL | LibC.MSG_DONTWAIT);
      if (n < 0) {
        int e = LibC.errno();
        if (e == LibC.EINTR) {
          continue;
        }
        if (e != LibC.EAGAIN) {
          throw new IOException("send failed: " + LibC.describe(e));
        }
        int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        if (poll(LibC.POLLOUT, left) == 0) {
          throw new InterruptedIOException("peer has not read its replies for " + timeoutMillis + " ms");
        }
        continue;
      }
      fdsSent = true;
      done += (int) n;
    }
  }

  /**
   * The peer's process credentials, as the kernel recorded them at connect.
   *
   * @return pid, uid and gid
   * @throws IOException if they cannot be read
   */
  public synchronized PeerCredentials peerCredentials() throws IOException {
    if (fd < 0) {
      throw new IOException("socket closed");
    }
    try (Memory cred = new Memory(12); Memory len = new Memory(4)) {
      len.setInt(0, 12);
      if (LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, cred, len) < 0) {
        throw new IOException("SO_PEERCRED: " + LibC.describe(LibC.errno()));
      }
      return new PeerCredentials(cred.getInt(0), cred.getInt(4), cred.getInt(8));
    }
  }

  /** Shuts the socket down both ways: a blocked or waiting owner thread wakes. Any thread. */
  public synchronized void shutdown() {
    if (fd >= 0) {
      LibC.shutdown(fd, LibC.SHUT_RDWR);
    }
  }

  /**
   * Whether {@link #close()} has run.
   *
   * @return true once closed
   */
  public synchronized boolean isClosed() {
    return fd < 0;
  }

  /** Closes the socket and frees the buffers; descriptors not taken are closed. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (fd < 0) {
        return;
      }
      LibC.shutdown(fd, LibC.SHUT_RDWR);
      LibC.close(fd);
      fd = -1;
    }
    received.closeAll();
    mem.close();
  }
}
