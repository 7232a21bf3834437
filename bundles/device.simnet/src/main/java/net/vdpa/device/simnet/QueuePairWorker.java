package net.vdpa.device.simnet;

import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.QueueWorker;
import net.vdpa.device.core.VqSlot;
import net.vdpa.device.core.net.ControlQueue;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;
import net.vdpa.device.core.net.QueueStats;
import net.vdpa.device.core.net.RxFilter;
import net.vdpa.device.core.net.RxQueue;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;

/**
 * The datapath of one queue pair on its own thread: takes transmit chains and puts their frames on
 * the port's wire, writes frames arriving from the wire into the receive queue, and on pair 0
 * handles the control queue. Alone owns its rings, so it needs no lock. The loop (polling, sleeping,
 * kicks, suspension) is the device core's {@link QueueWorker}; this class is one pass.
 */
final class QueuePairWorker extends QueueWorker {
  /** Transmit chains handled per pass before the receive side gets a turn. */
  static final int BATCH = 64;

  private final int pair;
  private final Port port;
  private final RxFilter filter;
  private final VqSlot<QueueStats> txSlot;
  private final DeviceQueue tx;
  private final RxQueue rx;
  private final ControlQueue ctrl;
  private final int maxFrame;
  private final DescriptorChain txChain = new DescriptorChain(16);
  private final Frame txFrame = new Frame();
  private final Frame inFrame = new Frame();

  /** A transmit chain popped but not yet carried: the cable's far end was full. Worker only. */
  private boolean holding;

  /**
   * Creates a worker; the device starts it.
   *
   * @param name the thread name
   * @param pair the queue pair
   * @param port the device's port
   * @param filter the device's receive filter
   * @param rx the receive queue's slot with its live ring, or null
   * @param tx the transmit queue's slot with its live ring, or null
   * @param ctrl the control queue, or null
   * @param mergeable whether MRG_RXBUF was negotiated
   * @param maxFrame the longest frame transmitted
   * @param paused whether to start suspended
   */
  QueuePairWorker(String name, int pair, Port port, RxFilter filter, VqSlot<QueueStats> rx, VqSlot<QueueStats> tx,
      ControlQueue ctrl, boolean mergeable, int maxFrame, boolean paused) {
    super(name, paused);
    this.pair = pair;
    this.port = port;
    this.filter = filter;
    this.txSlot = tx;
    this.tx = tx == null ? null : tx.queue();
    this.rx = rx == null ? null : new RxQueue(rx, mergeable);
    this.ctrl = ctrl;
    this.maxFrame = maxFrame;
  }

  /**
   * The queue pair.
   *
   * @return its number
   */
  int pair() {
    return pair;
  }

  /**
   * The receive side, for a saved state that accounts for chains taken but not used.
   *
   * @return the receive queue, or null
   */
  RxQueue rxQueue() {
    return rx;
  }

  @Override
  protected void onStart() {
    if (rx != null) {
      // receive buffers are taken when frames arrive, never waited for: no kicks needed
      rx.queue().disableNotifications();
    }
  }

  @Override
  protected boolean mayArm() {
    // a worker holding a frame for a full cable waits to be woken by the far end, not by kicks:
    // the driver's next buffers are already there, and asking for kicks would only spin
    return !holding;
  }

  @Override
  protected boolean moreWork() {
    final FrameQueue in = port.inbox(pair);
    return in != null && in.nonEmpty();
  }

  @Override
  protected void beforePause() {
    releaseHeld();
  }

  /** One round over the queues; true if anything was done. */
  @Override
  protected boolean pass() {
    boolean did = false;
    if (ctrl != null && !ctrl.slot().broken()) {
      did = ctrl.process();
      check(ctrl.slot());
    }
    if (tx != null && !txSlot.broken()) {
      did |= transmit();
      check(txSlot);
    }
    final FrameQueue in = port.inbox(pair);
    if (in != null && in.nonEmpty()) {
      did |= drain(in);
    }
    if (rx != null) {
      rx.finish();
      check(rx.slot());
    }
    return did;
  }

  private boolean transmit() {
    final DeviceQueue q = tx;
    final DescriptorChain c = txChain;
    int n = 0;
    int sent = 0;
    long bytes = 0;
    int dropped = 0;
    int errors = 0;
    while (n < BATCH && (holding || q.pop(c))) {
      final long frameLen = c.readableBytes() - VirtioNet.HDR_LEN;
      if (frameLen < VirtioNet.ETH_HLEN || frameLen > maxFrame) {
        errors++;
      } else {
        txFrame.ofChain(c, VirtioNet.HDR_LEN);
        final Carry carried = port.linkUp() ? port.wire().transmit(port, this, txFrame) : Carry.DROPPED;
        if (carried == Carry.FULL) {
          // keep the chain: it goes on the wire first when the far end has made room
          holding = true;
          break;
        }
        if (carried == Carry.TAKEN) {
          sent++;
          bytes += frameLen;
        } else {
          dropped++;
        }
      }
      holding = false;
      n++;
      q.push(c.id(), 0);
    }
    if (n == 0) {
      return false;
    }
    // counters once per pass, before the driver can see the chains used
    txSlot.counters().countTransmit(n, sent, bytes, dropped, errors);
    // the wire first: once the driver sees the chains used, a capture file holds their frames
    port.wire().flush();
    publishUsed(q);
    return true;
  }

  private void publishUsed(DeviceQueue q) {
    q.publish();
    if (q.needsNotify()) {
      txSlot.notifyUsed();
    }
  }

  /**
   * Before the worker parks for a suspend: a chain held for a full cable is dropped and used, so
   * that the saved queue state accounts for every chain taken.
   */
  private void releaseHeld() {
    if (holding && tx != null && !txSlot.broken()) {
      tx.push(txChain.id(), 0);
      txSlot.counters().countTransmit(1, 0, 0, 1, 0);
      publishUsed(tx);
    }
    holding = false;
  }

  private boolean drain(FrameQueue in) {
    int n = 0;
    while (n < BATCH && in.peek(inFrame)) {
      receive(inFrame);
      in.remove();
      n++;
    }
    if (n > 0 && in.takeBlocked()) {
      port.wire().drained(port);
    }
    return n > 0;
  }

  /**
   * Receives one frame on this queue pair: filter, then write into the receive queue (worker
   * thread: called by the wire during a transmit, or for frames from the inbox).
   *
   * @param frame the frame
   */
  void receive(Frame frame) {
    final RxQueue r = rx;
    if (r == null || r.slot().broken()) {
      return;
    }
    if (!filter.accepts(frame.mac(0))) {
      r.slot().counters().inc(QueueStats.RX_DROPS);
      return;
    }
    r.deliver(frame);
  }


  /** Asks for kicks on the queues the worker waits on; true if work arrived meanwhile. */
  @Override
  protected boolean armNotifications() {
    boolean work = false;
    if (tx != null && !txSlot.broken()) {
      work = tx.enableNotifications();
    }
    if (ctrl != null && !ctrl.slot().broken()) {
      work |= ctrl.queue().enableNotifications();
    }
    return work;
  }

  @Override
  protected void disarmNotifications() {
    if (tx != null && !txSlot.broken()) {
      tx.disableNotifications();
    }
    if (ctrl != null && !ctrl.slot().broken()) {
      ctrl.queue().disableNotifications();
    }
  }
}
