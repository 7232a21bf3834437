package net.vdpa.device.core.net;

import java.nio.ByteBuffer;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.QueueWorker;
import net.vdpa.device.core.VqSlot;
import net.vdpa.ring.ChainBatch;
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
  /** Transmit chains taken from the ring at once ({@link DeviceQueue#popBatch}). */
  static final int TAKE = 32;
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
  private final ChainBatch txBatch = new ChainBatch(TAKE);
  private final TxTally tally = new TxTally();
  private final Frame txFrame = new Frame();
  private final Frame inFrame = new Frame();
  /**
   * Where the chains of {@link #txBatch} not yet carried start (its rest chain is at {@code
   * count()}), or -1 if none are held: their receiver was full. Worker only.
   */
  private int heldFrom = -1;
  /** Bytes in a cache line: frames closer than that are back to back ({@link #backToBack}). */
  private static final int CACHE_LINE = 64;
  /** What the touching loads of {@link #touchFrames} read; kept so that they are not removed. */
  private long touched;

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
    return heldFrom < 0;
  }

  @Override
  protected final boolean moreWork() {
    final FrameQueue in = inbox();
    return in != null && in.nonEmpty();
  }

  @Override
  protected final void beforePause() {
    // held chains are dropped and used, so that a saved queue state accounts for every chain taken
    if (heldFrom >= 0 && tx != null && !txSlot.broken()) {
      final ChainBatch b = txBatch;
      int n = 0;
      for (int i = heldFrom; i < b.count(); i++, n++) {
        tx.push(b.id(i), 0);
      }
      if (b.hasRest()) {
        tx.push(b.rest().id(), 0);
        n++;
      }
      txSlot.counters().countTransmit(n, 0, 0, n, 0);
      publishUsed(tx);
    }
    heldFrom = -1;
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

  /**
   * Carries up to {@link #BATCH} transmit chains, taken {@link #TAKE} at a time. Each batch's frames
   * are touched first, all in one loop ({@link #touchFrames}), then carried in order; a frame whose
   * receiver is full stops the pass and is held, with the chains after it, until woken.
   */
  private boolean transmit() {
    final DeviceQueue q = tx;
    final ChainBatch b = txBatch;
    final TxTally t = tally;
    t.clear();
    while (t.chains < BATCH) {
      int from = heldFrom;
      if (from >= 0) {
        heldFrom = -1;
      } else {
        if (q.popBatch(b) == 0) {
          break;
        }
        touchFrames(b);
        from = 0;
      }
      final int k = b.count();
      int i = from;
      while (i < k && carryFrame(b.buffer(i), b.offset(i), b.writable(i) ? 0 : b.length(i), t)) {
        q.push(b.id(i), 0);
        i++;
      }
      if (i < k) {
        heldFrom = i;
        break;
      }
      if (b.hasRest()) {
        final DescriptorChain c = b.rest();
        txFrame.ofChain(c, hdrLen);
        if (!carryChain(c.readableBytes(), t)) {
          heldFrom = k;
          break;
        }
        q.push(c.id(), 0);
      }
    }
    if (t.chains == 0) {
      return false;
    }
    // counters once per pass, before the driver can see the chains used
    txSlot.counters().countTransmit(t.chains, t.sent, t.bytes, t.dropped, t.errors);
    transmitted();
    publishUsed(q);
    return true;
  }

  /**
   * Reads the first byte of every frame of a batch in one loop of independent loads, unless the
   * frames lie back to back ({@link #backToBack}). A frontend's frames lie in lines its own core has
   * just written; read one by one as each frame is carried, every miss holds the worker up in turn
   * (a load that misses blocks retirement, and Java has no prefetch instruction); read here
   * together, their misses overlap. That pays where the frames are scattered (DPDK's mbufs, each in
   * its own 2 KiB: testpmd's txonly 0.76x DPDK's vhost PMD without it, 1.06x with it). Frames laid
   * back to back (virtio_net's transmit area) are a stream the hardware prefetcher follows by
   * itself, and touching them only costs: not touching them made virtio_net's path 1.07x faster at
   * 64 and at 1514 bytes (benchmarks/README.md, "Session s38"). Nothing read is acted on.
   */
  private void touchFrames(final ChainBatch b) {
    final int k = b.count();
    if (backToBack(b, k)) {
      return;
    }
    final int at = hdrLen;
    long sum = 0;
    for (int i = 0; i < k; i++) {
      if (b.length(i) > at) {
        sum += b.buffer(i).get(b.offset(i) + at);
      }
    }
    touched += sum;
  }

  /**
   * Whether each of the first {@code k} chains of a batch starts less than a cache line after the
   * one before it ends, in the same memory (one batch of frames copied one after the other). True
   * for one chain or none: a single frame has no other miss to overlap with.
   */
  private static boolean backToBack(final ChainBatch b, final int k) {
    for (int i = 1; i < k; i++) {
      final int gap = b.offset(i) - (b.offset(i - 1) + b.length(i - 1));
      if (gap < 0 || gap >= CACHE_LINE || b.buffer(i) != b.buffer(i - 1)) {
        return false;
      }
    }
    return true;
  }

  /** A single-descriptor chain's frame (header first); false, counting nothing, if its receiver is full. */
  private boolean carryFrame(final ByteBuffer buffer, final int offset, final int readable, final TxTally t) {
    txFrame.clear();
    if (readable > hdrLen) {
      txFrame.add(buffer, offset + hdrLen, readable - hdrLen);
    }
    return carryChain(readable, t);
  }

  /**
   * The frame in {@link #txFrame}, of a chain with {@code readable} bytes, header included; false,
   * counting nothing, if its receiver is full.
   */
  private boolean carryChain(final long readable, final TxTally t) {
    final long frameLen = readable - hdrLen;
    if (frameLen < VirtioNet.ETH_HLEN || frameLen > maxFrame) {
      t.errors++;
      t.chains++;
      return true;
    }
    return counted(carry(txFrame), frameLen, t);
  }

  private static boolean counted(final int carried, final long frameLen, final TxTally t) {
    if (carried == FULL) {
      return false;
    }
    if (carried == CARRIED) {
      t.sent++;
      t.bytes += frameLen;
    } else {
      t.dropped++;
    }
    t.chains++;
    return true;
  }

  /** One pass's transmit counts. Worker only. */
  private static final class TxTally {
    int chains;
    int sent;
    long bytes;
    int dropped;
    int errors;

    void clear() {
      chains = 0;
      sent = 0;
      bytes = 0;
      dropped = 0;
      errors = 0;
    }
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
