package net.vdpa.device.smartnic;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.MacAddress;
import net.vdpa.api.net.FrameReceiver;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetStats;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;

/**
 * A function's representor in switchdev mode (mlx5's {@code pf0vf1}, {@code pf0sf88}): the
 * function's port of the embedded switch seen from the adapter's side, as a {@link NetInterface}.
 * What the function sends and no rule carries elsewhere arrives here (the slow path); what is sent
 * here goes to the function, as if the switch delivered it. One queue pair.
 *
 * <p>Threads: {@link #deliver} runs on the workers of functions (serialised on the representor's
 * inbox or receive buffer: the slow path may be slow); {@link #send} on any thread, serialised too.
 */
final class Representor implements NetInterface {
  private final String name;
  private final String function;
  private final SwitchPort port;
  private final MacAddress mac;
  private final int mtu;
  private final FrameQueue inbox;
  private final Frame outgoing = new Frame();
  private final Frame polled = new Frame();
  /** Where a pushed frame is made contiguous for the receiver; guarded by itself. */
  private final ByteBuffer pushed;
  private final ByteBuffer pushedView;
  /**
   * Where a polled frame is made contiguous for the poller's receiver; guarded by {@link #polled}
   * (not by {@link #pushed}: a receiver may poll from inside a push, and the two locks are never nested).
   */
  private final ByteBuffer polledCopy;
  private final ByteBuffer polledView;
  private volatile FrameReceiver receiver;
  private volatile boolean up = true;
  private final AtomicLong rxPackets = new AtomicLong();
  private final AtomicLong rxBytes = new AtomicLong();
  private final AtomicLong rxDropped = new AtomicLong();
  private final AtomicLong txPackets = new AtomicLong();
  private final AtomicLong txBytes = new AtomicLong();
  private final AtomicLong txDropped = new AtomicLong();
  private final AtomicLong txErrors = new AtomicLong();

  /**
   * A representor for a function's port.
   *
   * @param name its interface name, {@code pf0vfN} or {@code pf0sfN}
   * @param function the function's management device handle (the representor's "device")
   * @param port the function's switch port
   * @param mac its own address (a representor has one, as a netdev does)
   * @param mtu the function's MTU
   */
  Representor(String name, String function, SwitchPort port, MacAddress mac, int mtu) {
    this.name = name;
    this.function = function;
    this.port = port;
    this.mac = mac;
    this.mtu = mtu;
    int slot = mtu + VirtioNet.ETH_HLEN + 4;
    this.inbox = new FrameQueue(256, slot);
    this.pushed = ByteBuffer.allocateDirect(slot);
    this.pushedView = pushed.asReadOnlyBuffer();
    this.polledCopy = ByteBuffer.allocateDirect(slot);
    this.polledView = polledCopy.asReadOnlyBuffer();
  }

  SwitchPort port() {
    return port;
  }

  /** The representor goes away (switch back to legacy, function removed): sends fail from now on. */
  void close() {
    up = false;
    synchronized (polled) {
      inbox.drain(); // the consumer's side: receive() holds the same lock
    }
  }

  /**
   * A frame the switch sends to the representor (the slow path; a function's worker; no allocation).
   *
   * @param frame the frame
   * @return {@link SwitchPort#TAKEN} or {@link SwitchPort#DROPPED} (counted)
   */
  int deliver(Frame frame) {
    final int len = frame.length();
    final FrameReceiver r = receiver;
    if (!up || len > pushed.capacity()) {
      rxDropped.incrementAndGet();
      return SwitchPort.DROPPED;
    }
    if (r != null) {
      synchronized (pushed) {
        frame.rewind();
        frame.read(pushed, 0, len);
        try {
          r.receive(0, pushedView.limit(len).position(0));
        } catch (RuntimeException e) {
          rxDropped.incrementAndGet();
          return SwitchPort.DROPPED;
        }
      }
    } else if (!inbox.offer(frame)) {
      rxDropped.incrementAndGet();
      return SwitchPort.DROPPED;
    }
    rxPackets.incrementAndGet();
    rxBytes.addAndGet(len);
    return SwitchPort.TAKEN;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String device() {
    return function;
  }

  @Override
  public MacAddress mac() {
    return mac;
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public boolean linkUp() {
    return up && port.linkUp();
  }

  @Override
  public int queuePairs() {
    return 1;
  }

  @Override
  public SendResult send(ByteBuffer frame) {
    return send(0, frame);
  }

  @Override
  public SendResult send(int queuePair, ByteBuffer frame) {
    checkPair(queuePair);
    final int len = frame.remaining();
    if (len < VirtioNet.ETH_HLEN || len > mtu + VirtioNet.ETH_HLEN) {
      txErrors.incrementAndGet();
      return SendResult.INVALID;
    }
    final SwitchPort.Receiver to = port.receiver();
    if (!up || !port.linkUp() || to == null) {
      txDropped.incrementAndGet();
      return SendResult.DOWN;
    }
    final int c;
    synchronized (outgoing) {
      outgoing.clear();
      outgoing.add(frame, frame.position(), len);
      c = to.accept(0, outgoing, FrameQueue.KEEP_TAG);
    }
    if (c == SwitchPort.FULL) {
      return SendResult.BUSY;
    }
    if (c != SwitchPort.TAKEN) {
      txDropped.incrementAndGet();
      return SendResult.DOWN;
    }
    txPackets.incrementAndGet();
    txBytes.addAndGet(len);
    return SendResult.SENT;
  }

  @Override
  public int send(int queuePair, ByteBuffer[] frames, int offset, int count) {
    checkPair(queuePair);
    java.util.Objects.checkFromIndexSize(offset, count, frames.length);
    int taken = 0;
    for (int i = offset; i < offset + count; i++) {
      SendResult r = send(queuePair, frames[i]);
      if (r == SendResult.BUSY) {
        return taken;
      }
      if (r == SendResult.DOWN) {
        txDropped.addAndGet(count - taken - 1L);
        return -1;
      }
      taken++;
    }
    return taken;
  }

  @Override
  public int receive(int queuePair, ByteBuffer dst) {
    checkPair(queuePair);
    synchronized (polled) {
      if (!inbox.peek(polled)) {
        return -1;
      }
      final int len = polled.length();
      try {
        if (len > dst.remaining()) {
          rxDropped.incrementAndGet();
          return -2;
        }
        polled.rewind();
        polled.read(dst, dst.position(), len);
        dst.position(dst.position() + len);
        return len;
      } finally {
        inbox.remove();
      }
    }
  }

  @Override
  public int poll(int queuePair, FrameReceiver receiver, int budget) {
    checkPair(queuePair);
    Objects.requireNonNull(receiver, "receiver");
    int taken = 0;
    synchronized (polled) {
      for (int seen = 0; seen < budget && inbox.peek(polled); seen++) {
        final int len = polled.length();
        try {
          polled.rewind();
          polled.read(polledCopy, 0, len);
          receiver.receive(0, polledView.limit(len).position(0));
          taken++;
        } catch (RuntimeException e) {
          rxDropped.incrementAndGet();
        } finally {
          inbox.remove();
        }
      }
    }
    return taken;
  }

  @Override
  public void setReceiver(FrameReceiver receiver) {
    this.receiver = receiver;
  }

  @Override
  public NetStats stats() {
    return new NetStats(rxPackets.get(), rxBytes.get(), rxDropped.get(), txPackets.get(), txBytes.get(),
        txDropped.get(), txErrors.get());
  }

  @Override
  public NetStats stats(int queuePair) {
    checkPair(queuePair);
    return stats();
  }

  private static void checkPair(int queuePair) {
    if (queuePair != 0) {
      throw new IllegalArgumentException("queue pair " + queuePair + " does not exist; a representor has pair 0");
    }
  }
}
