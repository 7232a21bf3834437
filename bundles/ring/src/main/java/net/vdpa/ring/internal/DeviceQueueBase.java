package net.vdpa.ring.internal;

import net.vdpa.ring.ChainBatch;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingError;
import net.vdpa.ring.VirtioRingFeatures;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.Translation;

/**
 * What the split and packed device sides share: the configuration, the IOTLB with the cached
 * translation of the ring areas (redone when the map changes), and the stop-on-first-error state.
 *
 * <p>Device side: one thread.
 */
public abstract class DeviceQueueBase implements DeviceQueue {
  /** The queue size. */
  protected final int size;
  /** The configuration the queue was created with. */
  protected final QueueConfig config;
  /** The device's view of driver memory. */
  protected final Iotlb iotlb;
  /** VIRTIO_F_EVENT_IDX was negotiated. */
  protected final boolean eventIdx;
  /** VIRTIO_F_INDIRECT_DESC was negotiated. */
  protected final boolean indirect;
  /** VIRTIO_F_IN_ORDER was negotiated. */
  protected final boolean inOrder;
  /** Buffer translations (last-hit cache). */
  protected final Translation tr = new Translation();
  /** Ring area and indirect table translations. */
  protected final Translation ringTr = new Translation();
  /** The IOTLB generation the cached ring areas belong to; null when none are cached. */
  protected Object generation;
  /** Why the queue stopped, or {@link RingError#NONE}. */
  protected RingError error = RingError.NONE;
  /** {@link #readAhead}: chains looked at ahead of the one popped, 0 for none. */
  protected int readAhead;
  /** The read-ahead's own translation, so that it never moves the chains' last-hit cache. */
  private final Translation aheadTr = new Translation();
  /** What the read-ahead read, kept so that its loads are not dead code; never used. */
  private int aheadSink;
  private long errorCount;

  /**
   * Takes the configuration apart.
   *
   * @param config size, ring IOVAs and features
   * @param iotlb the device's view of driver memory
   */
  protected DeviceQueueBase(QueueConfig config, Iotlb iotlb) {
    this.config = config;
    this.iotlb = iotlb;
    this.size = config.size();
    this.eventIdx = config.has(VirtioRingFeatures.EVENT_IDX);
    this.indirect = config.has(VirtioRingFeatures.INDIRECT_DESC);
    this.inOrder = config.has(VirtioRingFeatures.IN_ORDER);
  }

  @Override
  public final void readAhead(final int chains) {
    this.readAhead = DeviceQueue.checkReadAhead(chains);
  }

  /**
   * Reads the first byte of a buffer a descriptor further on names, if the device may read it (a
   * {@link #readAhead}): the miss overlaps with the work on the chains before it. Nothing read is
   * acted on, and an address the device may not read is no fault here.
   *
   * @param iova the descriptor's address, as the driver wrote it
   */
  protected final void touchAhead(final long iova) {
    final Translation t = aheadTr;
    if (iotlb.peek(iova, false, t)) {
      aheadSink += t.buffer().get(t.offset());
    }
  }

  /**
   * Whether the queue may touch its rings: not stopped, and the ring areas translated for the
   * IOTLB's current generation (translating them again if the map changed).
   *
   * @return true if the ring area fields are usable
   */
  protected final boolean ready() {
    return error == RingError.NONE && (iotlb.generation() == generation || refreshRings());
  }

  /**
   * Starts a {@link #popBatch}: empties the batch.
   *
   * @param batch the caller's batch
   * @return whether the queue can be read now ({@link #ready()})
   */
  protected final boolean beginBatch(ChainBatch batch) {
    batch.clear();
    return ready();
  }

  /**
   * Ends a {@link #popBatch} of {@code n} single-descriptor chains; if a chain that is not one
   * ended the batch, pops it as the batch's rest chain.
   *
   * @param batch the caller's batch
   * @param n chains set in it
   * @param rest whether the next chain is available and not a single descriptor in one piece
   * @return chains taken, the rest chain included
   */
  protected final int endBatch(ChainBatch batch, int n, boolean rest) {
    batch.setCount(n);
    if (rest && pop(batch.rest())) {
      batch.keepRest();
      return n + 1;
    }
    return n;
  }

  /** {@link #translateSingle}: the descriptor is not one piece of one mapping; pop it as a chain. */
  protected static final int SINGLE_REST = -1;
  /** {@link #translateSingle}: the translation was refused; the queue has stopped. */
  protected static final int SINGLE_FAILED = -2;

  /**
   * Translates the one descriptor of a chain a {@link #popBatch} takes, against the map the batch
   * began with: from the last hit if the whole buffer lies in it (writing nothing), else through
   * the IOTLB, which checks everything and reports a fault.
   *
   * @param map the {@link #generation} the batch's ready check found current
   * @param addr the descriptor's address
   * @param len its length, at least 1
   * @param writable whether the device may write it
   * @return the buffer's offset in {@code tr.hitBuffer()}, or {@link #SINGLE_REST}, or {@link
   *     #SINGLE_FAILED} (after {@link #fail})
   */
  protected final int translateSingle(final Object map, final long addr, final long len, final boolean writable) {
    final int off = iotlb.hitOffset(map, addr, len, writable, tr);
    if (off >= 0) {
      return off;
    }
    final RingError e = iotlb.translate(map, addr, len, writable, tr);
    if (e != RingError.NONE) {
      fail(e);
      return SINGLE_FAILED;
    }
    // a whole translation is the last hit: tr.buffer() is tr.hitBuffer()
    return tr.length() == len ? tr.offset() : SINGLE_REST;
  }

  /**
   * Translates the ring areas for the current IOTLB generation (rare path).
   *
   * @return true on success; false after {@link #fail} otherwise
   */
  protected abstract boolean refreshRings();

  /**
   * Stops the queue.
   *
   * @param e why
   * @return false, for {@code return fail(...)} in boolean methods
   */
  protected final boolean fail(RingError e) {
    error = e;
    errorCount++;
    return false;
  }

  /** Forgets the error and the cached ring areas (part of a reset). */
  protected final void clearError() {
    error = RingError.NONE;
    generation = null;
  }

  @Override
  public final int size() {
    return size;
  }

  @Override
  public final RingError error() {
    return error;
  }

  @Override
  public final boolean needsReset() {
    return error != RingError.NONE;
  }

  @Override
  public final long errorCount() {
    return errorCount;
  }

  /**
   * The queue's configuration.
   *
   * @return the config it was created with
   */
  public final QueueConfig config() {
    return config;
  }
}
