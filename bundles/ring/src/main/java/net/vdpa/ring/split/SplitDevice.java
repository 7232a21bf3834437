package net.vdpa.ring.split;

import static net.vdpa.ring.split.SplitLayout.AVAIL_FLAGS;
import static net.vdpa.ring.split.SplitLayout.AVAIL_F_NO_INTERRUPT;
import static net.vdpa.ring.split.SplitLayout.AVAIL_IDX;
import static net.vdpa.ring.split.SplitLayout.AVAIL_RING;
import static net.vdpa.ring.split.SplitLayout.DESC_ADDR;
import static net.vdpa.ring.split.SplitLayout.DESC_LEN;
import static net.vdpa.ring.split.SplitLayout.DESC_SIZE;
import static net.vdpa.ring.split.SplitLayout.F_INDIRECT;
import static net.vdpa.ring.split.SplitLayout.F_NEXT;
import static net.vdpa.ring.split.SplitLayout.F_WRITE;
import static net.vdpa.ring.split.SplitLayout.USED_ELEM_ID;
import static net.vdpa.ring.split.SplitLayout.USED_ELEM_LEN;
import static net.vdpa.ring.split.SplitLayout.USED_ELEM_SIZE;
import static net.vdpa.ring.split.SplitLayout.USED_FLAGS;
import static net.vdpa.ring.split.SplitLayout.USED_F_NO_NOTIFY;
import static net.vdpa.ring.split.SplitLayout.USED_IDX;
import static net.vdpa.ring.split.SplitLayout.USED_RING;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.vdpa.ring.ChainBatch;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingError;
import net.vdpa.ring.RingIndex;
import net.vdpa.ring.internal.Areas;
import net.vdpa.ring.internal.DeviceQueueBase;
import net.vdpa.ring.internal.Le;
import net.vdpa.ring.mem.Iotlb;

/**
 * The device side of a split virtqueue: pops available chains, pushes used elements, decides
 * notifications, all through the device's {@link Iotlb} (the ring areas too, so the ring may live in
 * memory another process maps).
 *
 * <p>Nothing the driver writes can make it throw, loop or reach outside the IOTLB: every chain is
 * walked at most once per descriptor (a per-descriptor visit stamp catches loops), every address is
 * translated with its permission, and the first invalid thing stops the queue with a {@link
 * RingError} (see {@link DeviceQueue}). The available index is read with acquire only when the
 * cached copy is used up, and used elements are published in batches by one release store of
 * {@code used.idx}.
 *
 * <p>Device side: one thread.
 */
public final class SplitDevice extends DeviceQueueBase {
  private final int mask;
  private final int usedEventOffset;
  private final int availEventOffset;
  /** Chains of more than one descriptor and indirect tables, with their loop checks. */
  private final SplitChains chains;
  private final boolean[] inFlight;
  /** Heads in pop order, for the IN_ORDER check. */
  private final int[] popOrder;

  // Cached ring area translations, valid while generation == iotlb.generation().
  private ByteBuffer desc;
  private int descOff;
  private ByteBuffer avail;
  private int availOff;
  private ByteBuffer used;
  private int usedOff;

  private int stamp;
  private int lastAvail;
  private int cachedAvail;
  private int usedIdx;
  private int publishedUsed;
  private int notifiedUsed;
  private int popSeq;
  private int pushSeq;

  /**
   * Creates the device side of a split queue. Nothing is read until the first {@link #pop}.
   *
   * @param config size, ring IOVAs and features
   * @param iotlb the device's view of driver memory
   * @throws IllegalArgumentException if the size is not a power of two or an area is misaligned
   */
  public SplitDevice(QueueConfig config, Iotlb iotlb) {
    super(config, iotlb);
    SplitLayout.checkSize(size);
    Areas.checkAligned("descriptor table", config.descAddr(), SplitLayout.DESC_ALIGN);
    Areas.checkAligned("available ring", config.driverAddr(), SplitLayout.AVAIL_ALIGN);
    Areas.checkAligned("used ring", config.deviceAddr(), SplitLayout.USED_ALIGN);
    this.mask = size - 1;
    this.usedEventOffset = SplitLayout.usedEventOffset(size);
    this.availEventOffset = SplitLayout.availEventOffset(size);
    this.chains = new SplitChains(size, indirect, iotlb, tr, ringTr);
    this.inFlight = new boolean[size];
    this.popOrder = new int[size];
  }

  /**
   * Creates a device side that continues from a saved state, after validating it.
   *
   * @param config size, ring IOVAs and features
   * @param iotlb the device's view of driver memory
   * @param state the untrusted saved state
   * @return the live queue
   * @throws IllegalArgumentException if the state does not fit the queue size
   */
  public static SplitDevice restore(QueueConfig config, Iotlb iotlb, SplitQueueState state) {
    SplitDevice d = new SplitDevice(config, iotlb);
    d.restore(state);
    return d;
  }

  @Override
  public boolean pop(final DescriptorChain chain) {
    if (!ready()) {
      return false;
    }
    final int last = lastAvail;
    if (last == cachedAvail && !availableAfter(last)) {
      return false;
    }
    final int head = (short) Le.U16.get(avail, availOff + AVAIL_RING + 2 * (last & mask)) & RingIndex.MASK;
    if (head >= size) {
      return fail(RingError.NEXT_OUT_OF_RANGE);
    }
    if (inFlight[head]) {
      return fail(RingError.ID_IN_USE);
    }
    final RingError e = walk(head, chain);
    if (e != RingError.NONE) {
      return fail(e);
    }
    inFlight[head] = true;
    if (inOrder) {
      popOrder[popSeq & mask] = head;
      popSeq++;
    }
    lastAvail = RingIndex.add(last, 1);
    if (readAhead != 0) {
      lookAhead(last);
    }
    return true;
  }

  /**
   * Reads the descriptor {@link #readAhead} places after {@code last} and the first byte of its
   * buffer, if the driver has made it available and the device may read it: the misses overlap with
   * the work on the chains before it. Nothing read here is acted on; the pop checks it all again.
   */
  private void lookAhead(final int last) {
    final int ahead = readAhead;
    if (RingIndex.distance(cachedAvail, last) <= ahead) {
      return;
    }
    final int head = (short) Le.U16.get(avail, availOff + AVAIL_RING + 2 * ((last + ahead) & mask))
        & RingIndex.MASK;
    if (head >= size) {
      return;
    }
    final int o = descOff + DESC_SIZE * head;
    final long lenFlagsNext = (long) Le.U64.get(desc, o + DESC_LEN);
    if (((lenFlagsNext >>> 32) & (F_WRITE | F_INDIRECT)) != 0 || (int) lenFlagsNext == 0) {
      return;
    }
    touchAhead((long) Le.U64.get(desc, o + DESC_ADDR));
  }

  /**
   * Reads the available index once the cached one is used up.
   *
   * @param last the next available index to pop
   * @return true if chains are available past {@code last} ({@code cachedAvail} updated); false if
   *     none are, or if the index jumped (the queue is then stopped)
   */
  private boolean availableAfter(final int last) {
    // acquire: pairs with the driver's release store of avail.idx, so the ring entries and
    // descriptors it covers are visible after it (virtio 1.2 §2.7.13.3)
    final int idx = (short) Le.U16.getAcquire(avail, availOff + AVAIL_IDX) & RingIndex.MASK;
    if (idx == last) {
      return false;
    }
    if (RingIndex.distance(idx, last) > size) {
      return fail(RingError.AVAIL_INDEX_JUMP);
    }
    cachedAvail = idx;
    return true;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One ready check, and one read of the available index, only when fewer than a batch are
   * cached: a batch takes what was available then (the next call sees what came since). Per chain
   * the same checks in the same order as {@link #pop} (head in range, not in flight, then the
   * descriptor and its translation with its permission). A chain that is not a single descriptor in
   * one piece is popped by {@link #pop} into the batch's rest chain.
   */
  @Override
  public int popBatch(final ChainBatch batch) {
    if (!beginBatch(batch)) {
      return 0;
    }
    final int max = batch.capacity();
    final ByteBuffer a = avail;
    final int aOff = availOff;
    final ByteBuffer d = desc;
    final int dOff = descOff;
    final boolean[] busy = inFlight;
    // the map as ready() found it current: one volatile read for the batch (Iotlb.translate)
    final Object map = generation;
    final int last0 = lastAvail;
    // the available index read once per batch, and only when fewer than a batch are cached: the
    // loop below then holds no acquire load, which would make every load in it be done again per
    // chain (the buffers' fields, the batch's arrays, the last hit)
    if (RingIndex.distance(cachedAvail, last0) < max) {
      availableAfter(last0); // false if nothing is new, or if the index jumped (the queue stops)
      if (error != RingError.NONE) {
        return endBatch(batch, 0, false);
      }
    }
    final int k = Math.min(max, RingIndex.distance(cachedAvail, last0));
    int last = last0;
    int n = 0;
    boolean rest = false;
    while (n < k) {
      final int head = (short) Le.U16.get(a, aOff + AVAIL_RING + 2 * (last & mask)) & RingIndex.MASK;
      if (head >= size) {
        fail(RingError.NEXT_OUT_OF_RANGE);
        break;
      }
      if (busy[head]) {
        fail(RingError.ID_IN_USE);
        break;
      }
      final int o = dOff + DESC_SIZE * head;
      final long lenFlagsNext = (long) Le.U64.get(d, o + DESC_LEN);
      final int flags = (int) (lenFlagsNext >>> 32) & RingIndex.MASK;
      final long len = lenFlagsNext & 0xFFFF_FFFFL;
      if ((flags & (F_NEXT | F_INDIRECT)) != 0 || len == 0) {
        rest = true;
        break;
      }
      final boolean writable = (flags & F_WRITE) != 0;
      final int off = translateSingle(map, (long) Le.U64.get(d, o + DESC_ADDR), len, writable);
      if (off < 0) {
        rest = off == SINGLE_REST;
        break;
      }
      batch.set(n, head, tr.hitBuffer(), off, (int) len, writable);
      busy[head] = true;
      if (inOrder) {
        popOrder[popSeq & mask] = head;
        popSeq++;
      }
      if (readAhead != 0) {
        lookAhead(last);
      }
      last = RingIndex.add(last, 1);
      n++;
    }
    lastAvail = last;
    return endBatch(batch, n, rest);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The checks of {@link #push} for every chain, the used index kept in a local.
   */
  @Override
  public RingError pushBatch(final ChainBatch batch, final int len) {
    if (!ready()) { // a stopped queue included
      return error;
    }
    final int n = batch.count();
    final ByteBuffer us = used;
    final boolean[] busy = inFlight;
    int u = usedIdx;
    RingError result = RingError.NONE;
    for (int i = 0; i < n; i++) {
      final int id = batch.id(i);
      if (id < 0 || id >= size || !busy[id]) {
        result = RingError.USED_ID_INVALID;
        break;
      }
      if (inOrder) {
        if (popOrder[pushSeq & mask] != id) {
          result = RingError.OUT_OF_ORDER;
          break;
        }
        pushSeq++;
      }
      busy[id] = false;
      writeUsed(us, u, id, len);
      u = RingIndex.add(u, 1);
    }
    usedIdx = u;
    return result;
  }

  private RingError walk(final int head, final DescriptorChain chain) {
    final ByteBuffer d = desc;
    final int o = descOff + DESC_SIZE * head;
    // len, flags and next are one little-endian 64-bit word after addr: one read instead of three
    final long lenFlagsNext = (long) Le.U64.get(d, o + DESC_LEN);
    final int flags = (int) (lenFlagsNext >>> 32) & RingIndex.MASK;
    if ((flags & (F_NEXT | F_INDIRECT)) != 0) {
      return chains.walk(d, descOff, head, chain);
    }
    // a chain of one descriptor cannot loop, so it needs no visit stamp; it is translated and
    // checked exactly as in SplitChains.walk (a single descriptor can be neither readable after a
    // writable one nor longer than a chain may be, so the translation is all there is to check)
    final long addr = (long) Le.U64.get(d, o + DESC_ADDR);
    final long len = lenFlagsNext & 0xFFFF_FFFFL;
    final boolean writable = (flags & F_WRITE) != 0;
    if (len != 0) {
      final RingError e = iotlb.translate(addr, len, writable, tr);
      if (e != RingError.NONE) {
        return e;
      }
      if (tr.length() == len) {
        chain.single(head, tr.buffer(), tr.offset(), (int) len, writable);
        return RingError.NONE;
      }
    }
    // empty, or across mappings: several segments (translated again, from the last hit)
    chain.begin(head);
    final RingError e = chain.append(iotlb, tr, addr, len, writable);
    if (e == RingError.NONE) {
      chain.finish(head, 1);
    }
    return e;
  }

  @Override
  public RingError push(final int id, final int len) {
    if (error != RingError.NONE) {
      return error;
    }
    if (id < 0 || id >= size || !inFlight[id]) {
      return RingError.USED_ID_INVALID;
    }
    if (inOrder && popOrder[pushSeq & mask] != id) {
      return RingError.OUT_OF_ORDER;
    }
    if (!ready()) {
      return error;
    }
    inFlight[id] = false;
    if (inOrder) {
      pushSeq++;
    }
    final int u = usedIdx;
    writeUsed(used, u, id, len);
    usedIdx = RingIndex.add(u, 1);
    return RingError.NONE;
  }

  /**
   * Writes the used element at index {@code u}. An element that already holds the value (the same
   * id used with the same length a lap ago) is not written: the driver has read that line since,
   * and storing identical bytes would take it away from the driver's cache for nothing. The read
   * is only compared, never trusted. Each half on its own: a device that uses buffers of one length
   * stores only the id. Two 32-bit fields, not one 64-bit one: every eighth element straddles two
   * cache lines.
   */
  private void writeUsed(final ByteBuffer us, final int u, final int id, final int len) {
    final int o = usedOff + USED_RING + USED_ELEM_SIZE * (u & mask);
    if ((int) Le.U32.get(us, o + USED_ELEM_ID) != id) {
      Le.U32.set(us, o + USED_ELEM_ID, id);
    }
    if ((int) Le.U32.get(us, o + USED_ELEM_LEN) != len) {
      Le.U32.set(us, o + USED_ELEM_LEN, len);
    }
  }

  @Override
  public void publish() {
    final int u = usedIdx;
    if (u == publishedUsed || error != RingError.NONE) {
      return;
    }
    // release: publishes the used elements push() wrote; pairs with the driver's acquire load of
    // used.idx (virtio 1.2 §2.7.8, §2.7.14)
    Le.U16.setRelease(used, usedOff + USED_IDX, (short) u);
    publishedUsed = u;
  }

  @Override
  public boolean needsNotify() {
    final int now = publishedUsed;
    final int old = notifiedUsed;
    if (now == old || error != RingError.NONE) {
      return false;
    }
    notifiedUsed = now;
    // full fence: the used.idx store above must be visible before used_event / flags is read;
    // pairs with the driver's fence in enableInterrupts() (virtio 1.2 §2.7.7)
    VarHandle.fullFence();
    if (eventIdx) {
      // acquire: pairs with the driver's release store of used_event in enableInterrupts()
      final int event = (short) Le.U16.getAcquire(avail, availOff + usedEventOffset) & RingIndex.MASK;
      return RingIndex.needEvent(event, now, old);
    }
    // acquire: pairs with the driver's release store of avail.flags in enableInterrupts()
    return ((short) Le.U16.getAcquire(avail, availOff + AVAIL_FLAGS) & AVAIL_F_NO_INTERRUPT) == 0;
  }

  @Override
  public boolean enableNotifications() {
    if (!ready()) {
      return false;
    }
    if (eventIdx) {
      // release: asks for a kick once avail.idx passes lastAvail; read by the driver after its
      // fence in needsKick() (virtio 1.2 §2.7.10)
      Le.U16.setRelease(used, usedOff + availEventOffset, (short) lastAvail);
    } else {
      // release: clears NO_NOTIFY; read by the driver after its fence in needsKick() (§2.7.10)
      Le.U16.setRelease(used, usedOff + USED_FLAGS, (short) 0);
    }
    // full fence: the store above must be visible before avail.idx is re-read, or a chain added
    // meanwhile would wait for a kick that never comes; pairs with the driver's fence (§2.7.10)
    VarHandle.fullFence();
    // acquire: pairs with the driver's release store of avail.idx in publish() (§2.7.13.3)
    return ((short) Le.U16.getAcquire(avail, availOff + AVAIL_IDX) & RingIndex.MASK) != lastAvail;
  }

  @Override
  public void disableNotifications() {
    if (eventIdx || !ready()) {
      return;
    }
    // opaque: a hint with nothing to publish; the driver reads it after its fence (§2.7.10)
    Le.U16.setOpaque(used, usedOff + USED_FLAGS, (short) USED_F_NO_NOTIFY);
  }

  @Override
  protected boolean refreshRings() {
    final Object g = iotlb.generation();
    RingError e = iotlb.translateContiguous(config.descAddr(), SplitLayout.descTableSize(size), false, ringTr);
    if (e != RingError.NONE) {
      return fail(e);
    }
    final ByteBuffer d = ringTr.buffer();
    final int dOff = ringTr.offset();
    e = iotlb.translateContiguous(config.driverAddr(), SplitLayout.availSize(size), false, ringTr);
    if (e != RingError.NONE) {
      return fail(e);
    }
    final ByteBuffer a = ringTr.buffer();
    final int aOff = ringTr.offset();
    e = iotlb.translateContiguous(config.deviceAddr(), SplitLayout.usedSize(size), true, ringTr);
    if (e != RingError.NONE) {
      return fail(e);
    }
    final ByteBuffer u = ringTr.buffer();
    final int uOff = ringTr.offset();
    if (a.alignmentOffset(aOff, SplitLayout.AVAIL_ALIGN) != 0
        || u.alignmentOffset(uOff, SplitLayout.USED_ALIGN) != 0) {
      return fail(RingError.MISALIGNED);
    }
    desc = d;
    descOff = dOff;
    avail = a;
    availOff = aOff;
    used = u;
    usedOff = uOff;
    generation = g;
    return true;
  }

  @Override
  public void reset() {
    clearError();
    desc = null;
    avail = null;
    used = null;
    lastAvail = 0;
    cachedAvail = 0;
    usedIdx = 0;
    publishedUsed = 0;
    notifiedUsed = 0;
    popSeq = 0;
    pushSeq = 0;
    Arrays.fill(inFlight, false);
  }

  /**
   * The state to save for suspend/resume or migration.
   *
   * @return the next available index to read and the next used index to write
   */
  public SplitQueueState state() {
    return new SplitQueueState(lastAvail, usedIdx);
  }

  /**
   * Resets the queue and continues from a saved state, after validating it against the size.
   *
   * @param state the untrusted state
   * @throws IllegalArgumentException if it does not fit this queue
   */
  public void restore(SplitQueueState state) {
    state.validate(size);
    reset();
    lastAvail = state.lastAvailIdx();
    cachedAvail = lastAvail;
    usedIdx = state.lastUsedIdx();
    publishedUsed = usedIdx;
    notifiedUsed = usedIdx;
  }
}
