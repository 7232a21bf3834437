package net.vdpa.device.simnet;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketDrop;
import net.vdpa.device.core.net.Frame;

/**
 * A UDP wire, QEMU's {@code -netdev dgram} (and {@code -netdev socket,udp=}): each Ethernet frame is
 * one datagram, as it is, with no header. The channel is bound to the local address and connected
 * to the remote one, so it sends without naming the target and receives only the peer's datagrams
 * (QEMU sends from the address it is bound to, which is our remote).
 *
 * <p>Sending holds this object's lock (several queue pairs may transmit at once) and writes each
 * frame at once: a datagram socket has no batching to gain from in Java (no {@code sendmmsg}), so
 * {@link #flush} has nothing to do.
 *
 * <p>Receiving is polled by queue pair 0's worker itself, as a poll-mode driver polls a NIC: in each
 * pass it reads what the socket holds (a batch at most, and only while the receive queue has
 * buffers: otherwise the datagrams wait in the kernel's socket buffer) and writes each frame straight
 * into the receive queue, with no thread or inbox between. The wire's own thread only wakes the
 * worker: when the worker is about to sleep it asks ({@link #arm}), the thread waits for the socket
 * to become readable and kicks it. Buffers are direct and preallocated; nothing is allocated per
 * frame, on either side.
 */
final class UdpWire extends SocketWire {
  private final DatagramChannel channel;
  /** Guarded by {@code this}. */
  private final ByteBuffer txBuf;
  /** Pair 0's worker only; one byte longer than the largest frame, to tell an oversize datagram. */
  private final ByteBuffer rxBuf;
  /** The wire's thread only: where it reads what it drops while the device does not receive. */
  private final ByteBuffer idleBuf;
  /** The frame handed to the worker; pair 0's worker only. */
  private final Frame rxFrame = new Frame();
  /** Tells the wire's thread when the socket is readable while the worker sleeps. */
  private final Selector selector;
  private final SelectionKey key;
  /** {@link #readable} as the selector's action, made once. */
  private final Consumer<SelectionKey> onReadable = this::readable;
  private final String peer;

  /**
   * Binds and connects the socket and starts the receive thread.
   *
   * @param port the port
   * @param addresses local and remote
   * @param log where the wire reports
   * @throws IOException if the local address cannot be bound (in use, not of this host)
   */
  UdpWire(Port port, SocketAddresses addresses, EventLog log) throws IOException {
    super(port, addresses, log);
    this.txBuf = ByteBuffer.allocateDirect(maxFrame());
    this.rxBuf = ByteBuffer.allocateDirect(maxFrame() + 1);
    this.idleBuf = ByteBuffer.allocateDirect(maxFrame() + 1);
    this.peer = SocketAddresses.text(addresses.remote());
    DatagramChannel ch = DatagramChannel.open(addresses.local().getAddress() instanceof Inet6Address
        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    Selector sel = null;
    try {
      ch.bind(addresses.local());
      ch.connect(addresses.remote());
      ch.configureBlocking(false);
      sel = Selector.open();
      this.key = ch.register(sel, 0);
    } catch (BindException e) {
      ch.close();
      throw SocketWires.bindFailed(addresses.local(), e);
    } catch (IOException | RuntimeException e) {
      ch.close();
      if (sel != null) {
        sel.close();
      }
      throw e;
    }
    this.channel = ch;
    this.selector = sel;
    start("udp");
  }

  @Override
  public synchronized Carry transmit(Port from, QueuePairWorker worker, Frame frame) {
    return send(frame);
  }

  /**
   * Sends one frame as one datagram (any thread, under this object's lock).
   *
   * @param frame the frame
   * @return {@link Carry#TAKEN}, or {@link Carry#DROPPED} if the socket refused it (counted)
   */
  synchronized Carry send(Frame frame) {
    if (closed()) {
      return Carry.DROPPED;
    }
    final ByteBuffer b = txBuf;
    final int len = frame.length();
    b.clear();
    frame.rewind();
    frame.read(b, 0, len);
    b.limit(len);
    try {
      if (channel.write(b) == len) {
        counters.sent(1, len);
        return Carry.TAKEN;
      }
    } catch (IOException e) {
      // the peer's port was unreachable (an ICMP error from an earlier datagram), or the wire closes
    }
    counters.drop(SocketDrop.SEND_FAILED);
    return Carry.DROPPED;
  }

  @Override
  public boolean poll(QueuePairWorker worker) {
    if (worker.pair() != 0 || closed()) {
      return false;
    }
    final ByteBuffer b = rxBuf;
    final int max = maxFrame();
    int n = 0;
    while (n < BATCH && worker.receiveReady(max)) {
      b.clear();
      final int len;
      try {
        len = channel.read(b);
      } catch (PortUnreachableException e) {
        // an ICMP error for a datagram we sent before the peer was listening: nothing was received
        // (the error is reported once; counted as a read so that a pass stays bounded)
        n++;
        continue;
      } catch (IOException e) {
        // closed meanwhile (the wire is being unplugged), or a failure the next pass meets again
        return n > 0;
      }
      if (len == 0) {
        break;
      }
      n++;
      // an empty datagram reads as -1 (the JDK reports recv's 0 as end of stream): a runt too
      if (fits(Math.max(0, len))) {
        counters.received(len);
        if (!port().linkUp()) {
          counters.drop(SocketDrop.NOT_RECEIVING);
          continue;
        }
        final Frame f = rxFrame;
        f.clear();
        f.add(b, 0, len);
        worker.receive(f);
      }
    }
    return n > 0;
  }

  @Override
  public boolean arm(QueuePairWorker worker) {
    if (worker.pair() == 0 && !closed()) {
      try {
        key.interestOps(SelectionKey.OP_READ);
        selector.wakeup();
      } catch (RuntimeException e) {
        // the key was cancelled: the wire is closing
      }
    }
    return false;
  }

  /** Reads and drops what the socket holds while the port's device does not receive (the wire's thread). */
  private void dropWhileNotReceiving() {
    final ByteBuffer b = idleBuf;
    while (!closed()) {
      b.clear();
      final int len;
      try {
        len = channel.read(b);
      } catch (PortUnreachableException e) {
        continue;
      } catch (IOException e) {
        return;
      }
      if (len == 0) {
        return;
      }
      if (fits(Math.max(0, len))) {
        counters.received(len);
        counters.drop(SocketDrop.NOT_RECEIVING);
      }
    }
  }

  /** How long the wire's thread waits before it looks whether the device still receives. */
  private static final long IDLE_MILLIS = 100;

  /** The most datagrams one pass reads. */
  private static final int BATCH = 32;

  /** The wire's thread: waits for the socket to become readable while the worker sleeps, and wakes it. */
  @Override
  void receiveLoop() {
    while (!closed()) {
      try {
        // with an action, not the selected-key set: nothing is allocated per wake. Bounded, so that
        // a device that stopped while its worker was not waiting still has its datagrams dropped
        selector.select(onReadable, IDLE_MILLIS);
        if (!closed() && !port().receiving()) {
          key.interestOps(SelectionKey.OP_READ);
        }
      } catch (ClosedSelectorException | CancelledKeyException e) {
        return;
      } catch (IOException e) {
        if (!closed()) {
          log.warn("port " + port().name() + ": udp wait failed (" + e.getMessage() + "); waiting again");
        }
        // not a loop at full speed on an error that repeats
        pause(100);
      }
    }
  }

  /**
   * The socket became readable while the worker slept: wake it, and wait until it asks again. With
   * no worker to read (the device is not running), what arrived is read here and dropped, as a NIC
   * that is not running drops it.
   */
  private void readable(SelectionKey k) {
    if (closed()) {
      return;
    }
    if (!port().receiving()) {
      dropWhileNotReceiving();
      return;
    }
    try {
      k.interestOps(0);
    } catch (RuntimeException e) {
      // cancelled: the wire is closing
      return;
    }
    port().wakePair(0);
  }

  @Override
  void closeSockets() {
    closeQuietly(channel);
    try {
      selector.close();
    } catch (IOException e) {
      // closing: nothing more to wait for
    }
  }

  @Override
  String peer() {
    return peer;
  }

  @Override
  boolean connected() {
    return !closed();
  }

  @Override
  public String describe(Port self) {
    return "udp local " + SocketAddresses.text(addresses().local()) + " remote " + peer;
  }
}
