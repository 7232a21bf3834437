package net.vdpa.device.simnet;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketDrop;
import net.vdpa.device.core.net.Frame;

/**
 * A TCP stream wire, QEMU's {@code -netdev stream} (and {@code -netdev socket,listen=|connect=}):
 * each frame preceded by its length ({@link StreamFrames}). It listens for one peer at a time, or
 * connects to one; when the peer goes away it listens or connects again (a connector waits 50 ms,
 * doubling up to 2 s, between attempts).
 *
 * <p>Transmitting workers append frames to one direct buffer under this object's lock, and
 * {@link #flush}, at the end of each transmit pass, writes the batch in as few writes as the
 * socket takes. The receive thread reads into its own direct buffer and decodes in place. Nothing
 * is allocated per frame.
 */
final class StreamWire extends SocketWire implements StreamFrames.Sink {
  private static final int BUFFER = 256 * 1024;
  private static final long FIRST_PAUSE_MS = 50;
  private static final long LAST_PAUSE_MS = 2000;

  /** The listening socket, or null for a connector. */
  private final ServerSocketChannel server;
  /** The connection frames go out on, or null; set by the receive thread. */
  private volatile SocketChannel current;
  /** A connector's socket while it connects, so that closing the wire interrupts the attempt. */
  private volatile SocketChannel connecting;
  private volatile String peer;
  /** Receive thread only. */
  private final ByteBuffer rxBuf = ByteBuffer.allocateDirect(BUFFER);
  /** Frames waiting for {@link #flush}; guarded by {@code this}. */
  private final ByteBuffer txBuf = ByteBuffer.allocateDirect(BUFFER);
  /** Guarded by {@code this}. */
  private int pendingFrames;
  /** Guarded by {@code this}. */
  private long pendingBytes;

  /**
   * Binds the listening socket (a listener) and starts the receive thread, which connects (a
   * connector) or accepts.
   *
   * @param port the port
   * @param addresses a local address to listen on, or a remote one to connect to
   * @param log where connections and their loss are reported
   * @throws IOException if the local address cannot be bound (in use, not of this host)
   */
  StreamWire(Port port, SocketAddresses addresses, EventLog log) throws IOException {
    super(port, addresses, log);
    if (addresses.listens()) {
      ServerSocketChannel s = ServerSocketChannel.open();
      try {
        s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        s.bind(addresses.local(), 1);
      } catch (BindException e) {
        s.close();
        throw SocketWires.bindFailed(addresses.local(), e);
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      server = s;
    } else {
      server = null;
    }
    start("stream");
  }

  @Override
  public synchronized Carry transmit(Port from, QueuePairWorker worker, Frame frame) {
    if (current == null || closed()) {
      counters.drop(SocketDrop.NO_PEER);
      return Carry.DROPPED;
    }
    final int len = frame.length();
    final ByteBuffer b = txBuf;
    if (b.remaining() < StreamFrames.PREFIX + len) {
      writeOut();
    }
    final int at = StreamFrames.prefix(b, len);
    frame.rewind();
    frame.read(b, at, len);
    b.position(at + len);
    pendingFrames++;
    pendingBytes += len;
    return Carry.TAKEN;
  }

  @Override
  public synchronized void flush() {
    writeOut();
  }

  private void writeOut() {
    final ByteBuffer b = txBuf;
    if (b.position() == 0) {
      return;
    }
    final SocketChannel ch = current;
    b.flip();
    try {
      if (ch == null) {
        counters.drop(SocketDrop.NO_PEER, pendingFrames);
      } else {
        while (b.hasRemaining()) {
          ch.write(b);
        }
        counters.sent(pendingFrames, pendingBytes);
      }
    } catch (IOException e) {
      // the peer went away mid-batch: what it did not take is lost; the receive thread reconnects
      counters.drop(SocketDrop.SEND_FAILED, pendingFrames);
      closeQuietly(ch);
    } finally {
      b.clear();
      pendingFrames = 0;
      pendingBytes = 0;
    }
  }

  @Override
  void receiveLoop() {
    long pause = FIRST_PAUSE_MS;
    while (!closed()) {
      SocketChannel ch;
      try {
        ch = server != null ? server.accept() : connect();
      } catch (IOException e) {
        if (closed() || pause(pause)) {
          return;
        }
        pause = Math.min(LAST_PAUSE_MS, pause * 2);
        continue;
      }
      pause = FIRST_PAUSE_MS;
      String why;
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        peer = SocketAddresses.text((InetSocketAddress) ch.getRemoteAddress());
        current = ch;
        counters.connected();
        log.info("port " + port().name() + ": stream connected to " + peer);
        why = read(ch);
      } catch (IOException e) {
        why = "it failed: " + e.getMessage();
      }
      String was = peer;
      current = null;
      peer = null;
      closeQuietly(ch);
      if (!closed()) {
        counters.disconnected();
        log.info("port " + port().name() + ": stream peer " + was + " gone (" + why + "); "
            + (server != null ? "listening" : "connecting") + " again");
      }
    }
  }

  private SocketChannel connect() throws IOException {
    SocketChannel ch = SocketChannel.open();
    connecting = ch;
    try {
      if (closed()) {
        throw new IOException("closed");
      }
      ch.connect(addresses().remote());
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    } finally {
      connecting = null;
    }
  }

  /** Reads and delivers frames until the connection ends; says why it ended. */
  private String read(SocketChannel ch) {
    final ByteBuffer b = rxBuf;
    b.clear();
    while (!closed()) {
      int n;
      try {
        n = ch.read(b);
      } catch (IOException e) {
        return "read failed: " + e.getMessage();
      }
      if (n < 0) {
        if (b.position() > 0) {
          counters.drop(SocketDrop.TRUNCATED);
          return "closed inside a frame";
        }
        return "closed by the peer";
      }
      final int end = b.position();
      final int used = StreamFrames.decode(b, end, this);
      if (used == StreamFrames.BAD_LENGTH) {
        counters.drop(SocketDrop.BAD_LENGTH);
        return "a length prefix of 0 or above " + StreamFrames.MAX_LENGTH;
      }
      // keep the start of a frame still arriving at the front (a frame always fits: BUFFER > 4 + 65535)
      b.position(used).limit(end);
      b.compact();
    }
    return "wire closed";
  }

  @Override
  public void frame(ByteBuffer buf, int off, int len) {
    deliver(buf, off, len);
  }

  @Override
  void closeSockets() {
    closeQuietly(server);
    closeQuietly(connecting);
    closeQuietly(current);
  }

  @Override
  String peer() {
    return peer;
  }

  @Override
  boolean connected() {
    return current != null;
  }

  @Override
  public String describe(Port self) {
    return server != null ? "stream listen " + SocketAddresses.text(addresses().local())
        : "stream connect " + SocketAddresses.text(addresses().remote());
  }
}
