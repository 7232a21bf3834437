package net.vdpa.device.smartnic;

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
 * The datapath of one queue pair of a function's device, on its own thread: takes transmit chains
 * and hands their frames to the embedded switch, writes the frames the switch sent to this pair
 * (its inbox) into the receive queue, and on pair 0 handles the control queue. Alone owns its
 * rings, so it needs no lock; the loop is the device core's {@link QueueWorker}, this class is one
 * pass. A unicast frame whose receiver is full is held in the transmit ring until the receiver has
 * made room (back-pressure, as simnet's cable has it); a flooded frame is dropped where it does not fit.
 */
final class FunctionWorker extends QueueWorker {
  /** Transmit chains handled per pass before the receive side gets a turn. */
  static final int BATCH = 64;

  private final int pair;
  private final FunctionDevice device;
  private final RxFilter filter;
  private final VqSlot<QueueStats> txSlot;
  private final DeviceQueue tx;
  private final RxQueue rx;
  private final ControlQueue ctrl;
  private final FrameQueue inbox;
  private final int maxFrame;
  private final DescriptorChain txChain = new DescriptorChain(16);
  private final Frame txFrame = new Frame();
  private final Frame inFrame = new Frame();
  /** A transmit chain popped but not yet carried: its receiver was full. Worker only. */
  private boolean holding;

  FunctionWorker(String name, int pair, FunctionDevice device, RxFilter filter, VqSlot<QueueStats> rx,
      VqSlot<QueueStats> tx, ControlQueue ctrl, boolean mergeable, int maxFrame, boolean paused) {
    super(name, paused);
    this.pair = pair;
    this.device = device;
    this.filter = filter;
    this.txSlot = tx;
    this.tx = tx == null ? null : tx.queue();
    this.rx = rx == null ? null : new RxQueue(rx, mergeable);
    this.ctrl = ctrl;
    this.inbox = device.inbox(pair);
    this.maxFrame = maxFrame;
  }

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
    // a worker holding a frame for a full receiver waits to be woken by it, not by kicks
    return !holding;
  }

  @Override
  protected void beforePause() {
    // a held chain is dropped and used, so that a saved queue state accounts for every chain taken
    if (holding && tx != null && !txSlot.broken()) {
      tx.push(txChain.id(), 0);
      txSlot.counters().countTransmit(1, 0, 0, 1, 0);
      tx.publish();
      if (tx.needsNotify()) {
        txSlot.notifyUsed();
      }
    }
    holding = false;
  }

  @Override
  protected boolean moreWork() {
    return inbox.nonEmpty();
  }

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
    if (inbox.nonEmpty()) {
      did |= drain();
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
    final FunctionDevice d = device;
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
        final int out = d.transmit(pair, txFrame);
        if (out == SwitchPort.FULL) {
          // keep the chain: it goes first when the receiver has made room
          holding = true;
          break;
        }
        if (out > 0) {
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
    q.publish();
    if (q.needsNotify()) {
      txSlot.notifyUsed();
    }
    return true;
  }

  private boolean drain() {
    int n = 0;
    while (n < BATCH && inbox.peek(inFrame)) {
      receive(inFrame);
      inbox.remove();
      n++;
    }
    if (n > 0 && inbox.takeBlocked()) {
      device.drained();
    }
    return n > 0;
  }

  private void receive(Frame frame) {
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
