package net.vdpa.driver.vhost;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * Reads and writes vhost-user messages on one connected socket (the MessageReader and writer).
 * Reading is confined to the connection's thread; {@link #close()} may come from any thread and
 * unblocks it.
 */
final class Connection implements AutoCloseable {
  private static final FileDescriptor[] NO_FDS = new FileDescriptor[0];

  private final AFUNIXSocketChannel channel;
  private final ByteBuffer header = ByteBuffer.allocate(Message.HEADER).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer out = ByteBuffer.allocate(Message.HEADER + Message.MAX_PAYLOAD).order(ByteOrder.LITTLE_ENDIAN);

  /**
   * Wraps a connected channel.
   *
   * @param channel the channel, blocking
   * @throws IOException if the ancillary buffer cannot be set
   */
  Connection(AFUNIXSocketChannel channel) throws IOException {
    this.channel = channel;
    channel.setAncillaryReceiveBufferSize(1024);
  }

  /**
   * Reads the next message into {@code m}.
   *
   * @param m the reused message
   * @return false at a clean end of stream before a header
   * @throws IOException if the socket fails or ends inside a message
   * @throws ProtocolException if the header is malformed
   */
  boolean read(Message m) throws IOException, ProtocolException {
    header.clear();
    if (!fill(header, true)) {
      return false;
    }
    m.request = header.getInt(0);
    m.flags = header.getInt(4);
    m.size = header.getInt(8);
    FileDescriptor[] fds = channel.getReceivedFileDescriptors();
    if ((m.flags & 0x3) != Message.VERSION) {
      closeAll(fds);
      throw new ProtocolException(Message.name(m.request) + " has version " + (m.flags & 0x3) + ", expected 1");
    }
    if (m.size < 0 || m.size > Message.MAX_PAYLOAD) {
      closeAll(fds);
      throw new ProtocolException(Message.name(m.request) + " payload size " + Integer.toUnsignedString(m.size)
          + " exceeds " + Message.MAX_PAYLOAD);
    }
    m.payload.clear().limit(m.size);
    fill(m.payload, false);
    m.payload.flip();
    FileDescriptor[] more = channel.getReceivedFileDescriptors();
    m.fds = concat(fds, more);
    if (m.fds.length > Message.MAX_FDS) {
      FileDescriptor[] all = m.fds;
      m.fds = NO_FDS;
      closeAll(all);
      throw new ProtocolException(Message.name(m.request) + " carries " + all.length + " fds, more than "
          + Message.MAX_FDS);
    }
    return true;
  }

  private static FileDescriptor[] concat(FileDescriptor[] a, FileDescriptor[] b) {
    int na = a == null ? 0 : a.length;
    int nb = b == null ? 0 : b.length;
    if (na + nb == 0) {
      return NO_FDS;
    }
    FileDescriptor[] all = new FileDescriptor[na + nb];
    if (na > 0) {
      System.arraycopy(a, 0, all, 0, na);
    }
    if (nb > 0) {
      System.arraycopy(b, 0, all, na, nb);
    }
    return all;
  }

  private boolean fill(ByteBuffer b, boolean eofAllowed) throws IOException {
    while (b.hasRemaining()) {
      int n = channel.read(b);
      if (n < 0) {
        if (eofAllowed && b.position() == 0) {
          return false;
        }
        throw new EOFException("frontend closed the socket inside a message (" + b.position() + " of " + b.limit()
            + " bytes read)");
      }
    }
    return true;
  }

  /**
   * Sends a reply: the request's code, flags VERSION|REPLY, and the payload the caller put in
   * {@link #replyPayload()} (position = size).
   *
   * @param request the request answered
   * @throws IOException if the socket fails
   */
  void reply(int request) throws IOException {
    int size = out.position() - Message.HEADER;
    out.putInt(0, request).putInt(4, Message.VERSION | Message.REPLY).putInt(8, size);
    out.flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
    out.clear();
  }

  /**
   * The buffer to put a reply's payload into, positioned after the header.
   *
   * @return the buffer
   */
  ByteBuffer replyPayload() {
    out.clear().position(Message.HEADER);
    return out;
  }

  /**
   * Sends a u64 reply.
   *
   * @param request the request answered
   * @param value the value
   * @throws IOException if the socket fails
   */
  void replyU64(int request, long value) throws IOException {
    replyPayload().putLong(value);
    reply(request);
  }

  /**
   * The frontend's process id, for log lines.
   *
   * @return the pid, or -1 if unknown
   */
  long peerPid() {
    try {
      return channel.getPeerCredentials().getPid();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Whether the socket is still open.
   *
   * @return true until closed
   */
  boolean isOpen() {
    return channel.isOpen();
  }

  /** Closes the socket; a blocked read or write returns with an exception. Idempotent. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /**
   * Closes received descriptors that will not be used.
   *
   * @param fds the descriptors, may be null
   */
  static void closeAll(FileDescriptor[] fds) {
    if (fds == null) {
      return;
    }
    for (FileDescriptor fd : fds) {
      Fds.close(fd);
    }
  }
}
