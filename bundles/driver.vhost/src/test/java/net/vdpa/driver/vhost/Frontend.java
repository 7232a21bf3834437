package net.vdpa.driver.vhost;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import net.vdpa.unix.UnixChannel;

/**
 * A raw vhost-user frontend for the hostile tests: sends any header, payload and descriptors, reads
 * replies, and tells when the backend has closed the connection.
 */
final class Frontend implements AutoCloseable {
  final UnixChannel ch;

  Frontend(Path socket) throws IOException {
    this(UnixChannel.connect(socket, Message.HEADER + Message.MAX_PAYLOAD, 253));
  }

  /** A frontend on a channel it accepted: the backend connected to it (client mode). */
  Frontend(UnixChannel ch) {
    this.ch = ch;
  }

  void send(int request, int flags, ByteBuffer payload, int... fds) throws IOException {
    int size = payload == null ? 0 : payload.remaining();
    ByteBuffer out = ch.outArea();
    out.clear();
    out.putInt(request).putInt(Message.VERSION | flags).putInt(size);
    if (payload != null) {
      out.put(payload.duplicate());
    }
    ch.send(out.position(), fds, 5_000);
  }

  void send(int request, ByteBuffer payload, int... fds) throws IOException {
    send(request, 0, payload, fds);
  }

  /** The u64 of the next reply, or -1 if the backend closed the connection instead. */
  long replyU64() throws IOException {
    try {
      if (!ch.readFully(0, 20, 5_000, true)) {
        return -1;
      }
    } catch (java.io.EOFException e) {
      return -1;
    }
    return ch.inArea().getLong(12);
  }

  /**
   * The payload of the next reply (header read first), or null if the backend closed the connection.
   *
   * @return a little-endian copy of the payload
   */
  ByteBuffer replyPayload() throws IOException {
    try {
      if (!ch.readFully(0, Message.HEADER, 5_000, true)) {
        return null;
      }
      int size = ch.inArea().getInt(8);
      if (size > 0 && !ch.readFully(Message.HEADER, size, 5_000, true)) {
        return null;
      }
      ByteBuffer copy = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      copy.put(ch.inArea().slice(Message.HEADER, size).order(ByteOrder.LITTLE_ENDIAN));
      return copy.flip();
    } catch (java.io.EOFException e) {
      return null;
    }
  }

  /** True once the backend has closed the connection (within the timeout), false if it is still open. */
  boolean closedByBackend(int timeoutMillis) throws IOException {
    try {
      if (!ch.awaitReadable(timeoutMillis)) {
        return false;
      }
      return !ch.readFully(0, 1, timeoutMillis, true);
    } catch (InterruptedIOException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the backend
    }
  }

  @Override
  public void close() {
    ch.close();
  }

  static ByteBuffer u64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
  }

  static ByteBuffer state(int idx, int num) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, idx).putInt(4, num);
  }

  static ByteBuffer addr(int idx, long desc, long used, long avail) {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    return b.putInt(0, idx).putInt(4, 0).putLong(8, desc).putLong(16, used).putLong(24, avail).putLong(32, 0);
  }

  static ByteBuffer table(long[]... regions) {
    ByteBuffer b = ByteBuffer.allocate(8 + 32 * regions.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, regions.length);
    for (int i = 0; i < regions.length; i++) {
      for (int j = 0; j < 4; j++) {
        b.putLong(8 + 32 * i + 8 * j, regions[i][j]);
      }
    }
    return b;
  }
}
