package net.vdpa.device.core.net;

import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.QueueWorker;
import net.vdpa.device.core.VqSlot;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The datapath of one queue pair of a network device, on its own thread: takes transmit chains and
 * hands their frames to wherever the device kind carries them ({@link #carry}: a wire, a switch),
 * writes the frames that arrive for this pair (its {@link #inbox()}, or {@link #receive} called
 * during a transmit) into the receive queue, and on pair 0 handles the control queue. A frame whose
 * receiver is full is held in the transmit ring until the receiver has made room (back-pressure).
 * Alone owns its rings, so it needs no lock; the loop is {@link QueueWorker}'s, this class is one
 * pass. A device kind supplies only where frames go.
 *
 * <p>Allocates nothing per frame.
 */
@ConsumerType
public abstract class NetPairWorker extends QueueWorker {
  /** Transmit chains handled per pass before the receive side gets a turn. */
  public static final int BATCH = 64;
  /** {@link #carry}: the frame went out. */
  public static final int CARRIED = 1;
  /** {@link #carry}: the frame was dropped (counted as a tx drop). */
  public static final int DROPPED = 0;
  /** {@link #carry}: the receiver is full; the chain is held and the frame offered again once woken. */
  public static final int FULL = -1;

  private final int pair;
  private final RxFilter filter;
  private final VqSlot<QueueStats> txSlot;
  private final DeviceQueue tx;
  private final RxQueue rx;
  private final ControlQueue ctrl;
  private final int maxFrame;
  /** The transmit header's length, as negotiated: {@link VirtioNet#hdrLen}. */
  private final int hdrLen;
  private final DescriptorChain txChain = new DescriptorChain(16);
  private final Frame txFrame = new Frame();
  private final Frame inFrame = new Frame();
  /** A transmit chain popped but not yet carried: its receiver was full. Worker only. */
  private boolean holding;

  /**
   * A worker; the device starts it.
   *
   * @param name the thread name
   * @param pair the queue pair
   * @param filter the device's receive filter
   * @param rx the receive queue's slot with its live ring, or null
   * @param tx the transmit queue's slot with its live ring, or null
   * @param ctrl the control queue, or null
   * @param mergeable whether MRG_RXBUF was negotiated
   * @param maxFrame the longest frame transmitted
   * @param paused whether to start suspended
   */
  protected NetPairWorker(String name, int pair, RxFilter filter, VqSlot<QueueStats> rx, VqSlot<QueueStats> tx,
      ControlQueue ctrl, boolean mergeable, int maxFrame, boolean paused) {
    this(name, pair, filter, rx, tx, ctrl, mergeable, VirtioNet.HDR_LEN, maxFrame, paused);
  }

  /**
   * A worker whose packet header follows the negotiated features (HASH_REPORT makes it 20 bytes in
   * both directions); the device starts it.
   *
   * @param name the thread name
   * @param pair the queue pair
   * @param filter the device's receive filter
   * @param rx the receive queue's slot with its live ring, or null
   * @param tx the transmit queue's slot with its live ring, or null
   * @param ctrl the control queue, or null
   * @param mergeable whether MRG_RXBUF was negotiated
   * @param hdrLen {@link VirtioNet#hdrLen} of the negotiated features
   * @param maxFrame the longest frame transmitted
   * @param paused whether to start suspended
   */
  protected NetPairWorker(String name, int pair, RxFilter filter, VqSlot<QueueStats> rx, VqSlot<QueueStats> tx,
      ControlQueue ctrl, boolean mergeable, int hdrLen, int maxFrame, boolean paused) {
    super(name, paused);
    this.hdrLen = hdrLen;
    this.pair = pair;
    this.filter = filter;
    this.txSlot = tx;
    this.tx = tx == null ? null : tx.queue();
    this.rx = rx == null ? null : new RxQueue(rx, mergeable, hdrLen);
    this.ctrl = ctrl;
    this.maxFrame = maxFrame;
  }

  /**
   * Carries one transmitted frame (this worker's thread; no allocation).
   *
   * @param frame the frame, Ethernet header first (segments valid only during the call)
   * @return {@link #CARRIED}, {@link #DROPPED} or {@link #FULL}
   */
  protected abstract int carry(Frame frame);

  /**
   * Where frames for this pair wait, or null if none come that way.
   *
   * @return the inbox
   */
  protected abstract FrameQueue inbox();

  /** After each transmit batch, before the driver sees its chains used (a capture file flushes). */
  protected void transmitted() {}

  /** A full inbox has made room: wake the senders that were told {@link #FULL}. */
  protected void drained() {}

  /**
   * Receives from a source this worker polls itself (a socket), after the inbox and before the
   * receive queue's used entries are published: at most a batch, each through {@link #receive}.
   *
   * @return true if anything was received
   */
  protected boolean receiveMore() {
    return false;
  }

  /**
   * Before the worker sleeps: asks the polled source to kick it when something arrives.
   *
   * @return true if something has arrived already (the worker then does not sleep)
   */
  protected boolean armMore() {
    return false;
  }

  /**
   * Whether the receive queue has buffers for a frame of that length now (taking them ahead), for a
   * polled source that leaves a frame where it is otherwise (this worker's thread).
   *
   * @param frameLength the longest frame that may come
   * @return true if {@link #receive} can write it
   */
  public final boolean receiveReady(int frameLength) {
    final RxQueue r = rx;
    return r != null && !r.slot().broken() && r.reserve(frameLength);
  }

  /**
   * The queue pair.
   *
   * @return its number
   */
  public final int pair() {
    return pair;
  }

  /**
   * The receive side, for a saved state that accounts for chains taken but not used.
   *
   * @return the receive queue, or null
   */
  public final RxQueue rxQueue() {
    return rx;
  }

  @Override
  protected final void onStart() {
    if (rx != null) {
      // receive buffers are taken when frames arrive, never waited for: no kicks needed
      rx.queue().disableNotifications();
    }
  }

  @Override
  protected final boolean mayArm() {
    // a worker holding a frame for a full receiver waits to be woken by it, not by kicks: the
    // driver's next buffers are already there, and asking for kicks would only spin
    return !holding;
  }

  @Override
  protected final boolean moreWork() {
    final FrameQueue in = inbox();
    return in != null && in.nonEmpty();
  }

  @Override
  protected final void beforePause() {
    // a held chain is dropped and used, so that a saved queue state accounts for every chain taken
    if (holding && tx != null && !txSlot.broken()) {
      tx.push(txChain.id(), 0);
      txSlot.counters().countTransmit(1, 0, 0, 1, 0);
      publishUsed(tx);
    }
    holding = false;
  }

  @Override
  protected final boolean pass() {
    boolean did = false;
    if (ctrl != null && !ctrl.slot().broken()) {
      did = ctrl.process();
      check(ctrl.slot());
    }
    if (tx != null && !txSlot.broken()) {
      did |= transmit();
      check(txSlot);
    }
    final FrameQueue in = inbox();
    if (in != null && in.nonEmpty()) {
      did |= drain(in);
    }
    did |= receiveMore();
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
      final long frameLen = c.readableBytes() - hdrLen;
      if (frameLen < VirtioNet.ETH_HLEN || frameLen > maxFrame) {
        errors++;
      } else {
        txFrame.ofChain(c, hdrLen);
        final int carried = carry(txFrame);
        if (carried == FULL) {
          // keep the chain: it goes first when the receiver has made room
          holding = true;
          break;
        }
        if (carried == CARRIED) {
          sent++;
          bytes += frameLen;
        } else {
          dropped++;
        }
      }
      if (holding) {
        holding = false;
      }
      n++;
      q.push(c.id(), 0);
    }
    if (n == 0) {
      return false;
    }
    // counters once per pass, before the driver can see the chains used
    txSlot.counters().countTransmit(n, sent, bytes, dropped, errors);
    transmitted();
    publishUsed(q);
    return true;
  }

  private void publishUsed(DeviceQueue q) {
    q.publish();
    if (q.needsNotify()) {
      txSlot.notifyUsed();
    }
  }

  private boolean drain(FrameQueue in) {
    int n = 0;
    while (n < BATCH && in.peek(inFrame)) {
      receive(inFrame);
      in.remove();
      n++;
    }
    if (n > 0 && in.takeBlocked()) {
      drained();
    }
    return n > 0;
  }

  /**
   * Receives one frame on this queue pair: filter, then write into the receive queue (this worker's
   * thread: from the inbox, or called by a wire during a transmit).
   *
   * @param frame the frame
   */
  public final void receive(Frame frame) {
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
  protected final boolean armNotifications() {
    boolean work = false;
    if (tx != null && !txSlot.broken()) {
      work = tx.enableNotifications();
    }
    if (ctrl != null && !ctrl.slot().broken()) {
      work |= ctrl.queue().enableNotifications();
    }
    return armMore() || work;
  }

  @Override
  protected final void disarmNotifications() {
    if (tx != null && !txSlot.broken()) {
      tx.disableNotifications();
    }
    if (ctrl != null && !ctrl.slot().broken()) {
      ctrl.queue().disableNotifications();
    }
  }
}
