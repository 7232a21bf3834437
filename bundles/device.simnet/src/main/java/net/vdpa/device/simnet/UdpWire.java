package net.vdpa.device.simnet;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
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
 * {@link #flush} has nothing to do. Buffers are direct and preallocated; nothing is allocated per
 * frame, on either side.
 */
final class UdpWire extends SocketWire {
  private final DatagramChannel channel;
  /** Guarded by {@code this}. */
  private final ByteBuffer txBuf;
  /** Receive thread only; one byte longer than the largest frame, to tell an oversize datagram. */
  private final ByteBuffer rxBuf;
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
    this.peer = SocketAddresses.text(addresses.remote());
    DatagramChannel ch = DatagramChannel.open(addresses.local().getAddress() instanceof Inet6Address
        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    try {
      ch.bind(addresses.local());
      ch.connect(addresses.remote());
    } catch (BindException e) {
      ch.close();
      throw SocketWires.bindFailed(addresses.local(), e);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    this.channel = ch;
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
  void receiveLoop() {
    final ByteBuffer b = rxBuf;
    while (!closed()) {
      b.clear();
      int n;
      try {
        n = channel.read(b);
      } catch (PortUnreachableException e) {
        // an ICMP error for a datagram we sent before the peer was listening: nothing was received
        continue;
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed()) {
          log.warn("port " + port().name() + ": udp receive failed (" + e.getMessage() + "); receiving again");
        }
        // not a loop at full speed on an error that repeats
        pause(100);
        continue;
      }
      if (n > maxFrame()) {
        counters.drop(SocketDrop.OVERSIZE);
      } else {
        // an empty datagram reads as -1 (the JDK reports recv's 0 as end of stream): a runt too
        deliver(b, 0, Math.max(0, n));
      }
    }
  }

  @Override
  void closeSockets() {
    closeQuietly(channel);
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
