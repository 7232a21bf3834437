package net.vdpa.device.simnet;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketDrop;
import net.vdpa.api.port.SocketStats;
import net.vdpa.device.core.net.Frame;

/**
 * A wire to a socket outside the JVM (QEMU's network backends, another runtime): frames the port
 * transmits are written by the transmitting worker; frames that arrive are read on the wire's own
 * thread and handed to the port's inbox, the path a {@link Cable} uses, so the port's worker
 * delivers them. A full inbox holds the receive thread (and so the socket) until the worker has
 * made room: back-pressure on a stream, the kernel's socket buffer on UDP.
 *
 * <p>Nothing bad a peer sends is thrown: each is counted by {@link SocketDrop} reason, and a
 * stream is reconnected. The receive thread ends only when the wire is closed.
 */
abstract class SocketWire implements Wire {
  private final Port port;
  private final SocketAddresses addresses;
  private final int maxFrame;
  /** The frame handed to the inbox; receive thread only. */
  private final Frame rxFrame = new Frame();
  /** Counted from the workers and the receive thread. */
  final SocketCounters counters = new SocketCounters();
  final EventLog log;
  /** Counted down once, by {@link #close}: the receive thread ends and waits no longer. */
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Thread receiver;

  SocketWire(Port port, SocketAddresses addresses, EventLog log) {
    this.port = port;
    this.addresses = addresses;
    this.maxFrame = port.maxFrame();
    this.log = log;
    port.ensureInboxes();
  }

  /** Starts the receive thread; called once the socket is open. */
  final void start(String kind) {
    Thread t = new Thread(this::receiveLoop, "wire-" + kind + "-" + port.name());
    t.setDaemon(true);
    receiver = t;
    t.start();
  }

  /** The receive loop: returns only when the wire is closed. */
  abstract void receiveLoop();

  /** Closes the sockets, so that a blocked read or accept returns. */
  abstract void closeSockets();

  /**
   * The peer's address now, for {@code port show}.
   *
   * @return the peer, or null while a stream has none
   */
  abstract String peer();

  /**
   * Whether a peer is there to send to: always for UDP, while connected for a stream.
   *
   * @return true if frames can go out
   */
  abstract boolean connected();

  final Port port() {
    return port;
  }

  final int maxFrame() {
    return maxFrame;
  }

  /**
   * The addresses the wire was opened with.
   *
   * @return its addresses
   */
  final SocketAddresses addresses() {
    return addresses;
  }

  final boolean closed() {
    return closing.getCount() == 0;
  }

  /**
   * Waits a while unless the wire is closed (a connector's pause between attempts).
   *
   * @return true if the wire was closed meanwhile
   */
  final boolean pause(long millis) {
    try {
      return closing.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /**
   * Hands a received frame to the port (receive thread): checks its length, then offers it to the
   * inbox, waiting while the inbox is full.
   *
   * @param buf the received bytes, absolute indices
   * @param off where the frame starts
   * @param len its length
   */
  final void deliver(ByteBuffer buf, int off, int len) {
    if (!fits(len)) {
      return;
    }
    final Frame f = rxFrame;
    f.clear();
    f.add(buf, off, len);
    // counted before the offer: once the frame is in the inbox the worker may hand it to the
    // driver at once, and whoever sees it there must see it counted
    counters.received(len);
    Carry c = port.acceptFromWire(0, f);
    while (c == Carry.FULL && !closed()) {
      // drained() unparks; a wake that came before this park leaves its permit, so none is lost
      LockSupport.park(this);
      c = port.acceptFromWire(0, f);
    }
    if (c != Carry.TAKEN) {
      counters.drop(SocketDrop.NOT_RECEIVING);
    }
  }

  /**
   * Whether a received frame's length is one a port takes; a runt or an oversize frame is counted.
   *
   * @param len its length
   * @return true if it may be handed on
   */
  final boolean fits(int len) {
    if (len < VirtioNet.ETH_HLEN) {
      counters.drop(SocketDrop.RUNT);
      return false;
    }
    if (len > maxFrame) {
      counters.drop(SocketDrop.OVERSIZE);
      return false;
    }
    return true;
  }

  @Override
  public final void drained(Port receiver) {
    final Thread t = this.receiver;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public final boolean delivers() {
    return true;
  }

  /**
   * The counters and the peer now.
   *
   * @return a snapshot
   */
  final SocketStats stats() {
    return counters.snapshot(peer());
  }

  @Override
  public final void close() {
    if (closed()) {
      return;
    }
    closing.countDown();
    closeSockets();
    final Thread t = receiver;
    if (t != null && t != Thread.currentThread()) {
      LockSupport.unpark(t);
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Closes a channel; an error while closing is nothing more to carry on it. */
  static void closeQuietly(java.nio.channels.Channel c) {
    if (c != null) {
      try {
        c.close();
      } catch (java.io.IOException e) {
        // closing: nothing more to carry on it
      }
    }
  }
}
