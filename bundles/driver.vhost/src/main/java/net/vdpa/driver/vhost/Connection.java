package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.ByteBuffer;
import net.vdpa.unix.FdOverflowException;
import net.vdpa.unix.Fds;
import net.vdpa.unix.PeerCredentials;
import net.vdpa.unix.UnixChannel;

/**
 * Reads and writes vhost-user messages on one connected socket. A message must arrive whole within
 * the message deadline once its first byte is there, and a reply must be taken by the frontend
 * within the same deadline: a frontend that stalls mid-message or stops reading its replies cannot
 * hold the connection's thread.
 *
 * <p>Reading and replying are confined to the connection's thread; {@link #shutdown()} may come
 * from any thread and wakes it; {@link #close()} is the connection thread's, at its end.
 */
final class Connection implements AutoCloseable {
  private final UnixChannel channel;
  private final PeerCredentials peer;
  private final int messageTimeoutMillis;
  private final ByteBuffer in;
  private final ByteBuffer out;
  private final Message message;

  /**
   * Wraps a connected channel.
   *
   * @param channel the channel, owned by the connection from now on
   * @param peer who connected
   * @param messageTimeoutMillis how long a started message or an unread reply may take
   */
  Connection(UnixChannel channel, PeerCredentials peer, int messageTimeoutMillis) {
    this.channel = channel;
    this.peer = peer;
    this.messageTimeoutMillis = messageTimeoutMillis;
    this.in = channel.inArea();
    this.out = channel.outArea();
    this.message = new Message(in.slice(Message.HEADER, Message.MAX_PAYLOAD).order(in.order()));
  }

  /**
   * The message being read; reused for every message of the connection.
   *
   * @return the message
   */
  Message message() {
    return message;
  }

  /**
   * The frontend.
   *
   * @return its credentials
   */
  PeerCredentials peer() {
    return peer;
  }

  /**
   * Waits for the next message to begin.
   *
   * @param timeoutMillis the longest wait
   * @return true if bytes (or the end of stream) are there
   * @throws IOException if the socket was shut down or failed
   */
  boolean awaitMessage(int timeoutMillis) throws IOException {
    return channel.awaitReadable(timeoutMillis);
  }

  /**
   * Reads the next message into {@link #message()}.
   *
   * @return false at a clean end of stream before a header
   * @throws IOException if the socket fails, ends inside a message, or the message stalls
   * @throws ProtocolException if the header is malformed or too many descriptors came (all closed)
   */
  boolean read() throws IOException, ProtocolException {
    final Message m = message;
    m.fds = UnixChannel.NO_FDS;
    if (!channel.readFully(0, Message.HEADER, messageTimeoutMillis, true)) {
      closeReceived();
      return false;
    }
    m.request = in.getInt(0);
    m.flags = in.getInt(4);
    m.size = in.getInt(8);
    if ((m.flags & 0x3) != Message.VERSION) {
      closeReceived();
      throw new ProtocolException(Message.name(m.request) + " has version " + (m.flags & 0x3) + ", expected 1");
    }
    if (m.size < 0 || m.size > Message.MAX_PAYLOAD) {
      closeReceived();
      throw new ProtocolException(Message.name(m.request) + " payload size " + Integer.toUnsignedString(m.size)
          + " exceeds " + Message.MAX_PAYLOAD);
    }
    if (m.size > 0) {
      channel.readFully(Message.HEADER, m.size, messageTimeoutMillis, false);
    }
    m.payload.clear().limit(m.size);
    try {
      m.fds = channel.takeFds();
    } catch (FdOverflowException e) {
      throw new ProtocolException(Message.name(m.request) + ": " + e.getMessage());
    }
    return true;
  }

  private void closeReceived() {
    try {
      Fds.closeAll(channel.takeFds());
    } catch (FdOverflowException alreadyClosed) {
      // every descriptor was closed by the channel
    }
  }

  /**
   * Sends a reply: the request's code, flags VERSION|REPLY, and the payload the caller put in
   * {@link #replyPayload()} (position = end of payload).
   *
   * @param request the request answered
   * @throws IOException if the socket fails or the frontend does not read in time
   */
  void reply(int request) throws IOException {
    int end = out.position();
    int size = end - Message.HEADER;
    out.putInt(0, request).putInt(4, Message.VERSION | Message.REPLY).putInt(8, size);
    channel.send(end, UnixChannel.NO_FDS, messageTimeoutMillis);
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
   * Whether the frontend has hung up (checked without waiting; any thread).
   *
   * @return true if its end is closed
   */
  boolean peerHungUp() {
    return channel.peerHungUp();
  }

  /** Shuts the socket down: the connection's thread wakes and ends. Any thread; idempotent. */
  void shutdown() {
    channel.shutdown();
  }

  /** Closes the socket and what it still holds. The connection's thread, at its end. */
  @Override
  public void close() {
    channel.close();
  }
}
