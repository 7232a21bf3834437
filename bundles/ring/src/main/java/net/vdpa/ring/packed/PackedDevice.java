package net.vdpa.ring.packed;

import static net.vdpa.ring.packed.PackedLayout.DESC_ADDR;
import static net.vdpa.ring.packed.PackedLayout.DESC_FLAGS;
import static net.vdpa.ring.packed.PackedLayout.DESC_ID;
import static net.vdpa.ring.packed.PackedLayout.DESC_LEN;
import static net.vdpa.ring.packed.PackedLayout.DESC_SIZE;
import static net.vdpa.ring.packed.PackedLayout.EVENT_DISABLE;
import static net.vdpa.ring.packed.PackedLayout.EVENT_FLAGS;
import static net.vdpa.ring.packed.PackedLayout.F_AVAIL;
import static net.vdpa.ring.packed.PackedLayout.F_INDIRECT;
import static net.vdpa.ring.packed.PackedLayout.F_NEXT;
import static net.vdpa.ring.packed.PackedLayout.F_USED;
import static net.vdpa.ring.packed.PackedLayout.F_WRITE;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.vdpa.ring.ChainBatch;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingError;
import net.vdpa.ring.internal.DeviceQueueBase;
import net.vdpa.ring.internal.Le;
import net.vdpa.ring.mem.Iotlb;

/**
 * The device side of a packed virtqueue: reads available descriptors where the AVAIL/USED bits match
 * its wrap counter, writes used descriptors back into the same ring, and decides notifications from
 * the driver's event suppression structure, all through the device's {@link Iotlb}.
 *
 * <p>Hardened like {@link net.vdpa.ring.split.SplitDevice}: a chain is at most the queue size long,
 * every buffer is translated with its permission, ids are checked, and the first invalid thing
 * stops the queue with a {@link RingError}. Used descriptors are batched: all but the first of a
 * batch get their flags with plain stores, and {@link #publish()} release-stores the first one's
 * flags last, so the driver sees the whole batch at once.
 *
 * <p>With VIRTIO_F_IN_ORDER, a run of chains used one after another that the device could only read
 * (no writable buffer, used with length 0: a network device's transmit queue) is written as one
 * used descriptor, at the run's first slot and naming its last id; the ring then skips to the slot
 * after the run (virtio 1.2 §2.8.8 "In-order use of descriptors"). The driver takes back every older id with it. A
 * chain with a writable buffer keeps a descriptor of its own, whatever its length: DPDK's packed
 * receive path, for one, reads one used descriptor per buffer even under IN_ORDER (like DPDK's vhost
 * backend, this device batches only chains it read from, never ones it wrote into). A writable
 * descriptor of length 0 adds no buffer, so a chain of only such descriptors counts as read-only.
 *
 * <p>Device side: one thread.
 */
public final class PackedDevice extends DeviceQueueBase {
  /** The descriptor count in {@link #idCount} (at most 32768). */
  private static final int COUNT = 0xffff;
  /** In {@link #idCount}: the chain has a writable buffer. */
  private static final int WRITABLE = 1 << 16;

  /**
   * Ring descriptors per buffer id in flight ({@link #COUNT} bits), with {@link #WRITABLE} if its
   * chain has a writable buffer; 0 when the id is free.
   */
  private final int[] idCount;
  private final int[] popOrder;

  private ByteBuffer desc;
  private int descOff;
  private ByteBuffer driverEvent;
  private int driverEventOff;
  private ByteBuffer deviceEvent;
  private int deviceEventOff;

  private int nextAvail;
  private boolean availWrap = true;
  private int nextUsed;
  private boolean usedWrap = true;
  private int pendingPos = -1;
  private int pendingFlags;
  /**
   * IN_ORDER: the slot of the open run of read-only chains used with length 0 (its one descriptor
   * not written yet), or -1.
   */
  private int runPos = -1;
  private boolean runWrap;
  /** The last id of the open run, the one its descriptor names. */
  private int runId;
  private int publishedSeq;
  private int notifiedSeq;
  /**
   * IN_ORDER: where the next popped id goes in {@link #popOrder}, and where the next one to push
   * is; both wrap at the size (any size: a count taken modulo it would turn negative after 2^31
   * pops, about 100 s of testpmd's txonly at 21 M frames/s).
   */
  private int popAt;
  private int pushAt;

  /**
   * Creates the device side of a packed queue. Nothing is read until the first {@link #pop}.
   *
   * @param config size (any value 1..32768), ring IOVAs and features
   * @param iotlb the device's view of driver memory (the descriptor ring must be mapped read-write)
   * @throws IllegalArgumentException if an area is misaligned
   */
  public PackedDevice(QueueConfig config, Iotlb iotlb) {
    super(config, iotlb);
    PackedLayout.checkAreas(config);
    this.idCount = new int[size];
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
  public static PackedDevice restore(QueueConfig config, Iotlb iotlb, PackedQueueState state) {
    PackedDevice d = new PackedDevice(config, iotlb);
    d.restore(state);
    return d;
  }

  @Override
  public boolean pop(final DescriptorChain chain) {
    if (!ready()) {
      return false;
    }
    final int pos = nextAvail;
    final boolean w = availWrap;
    // acquire: pairs with the driver's release store of the head's flags, so the chain's
    // descriptors are visible below (virtio 1.2 §2.8.21 "Updating flags")
    final int flags = (short) Le.U16.getAcquire(desc, descOff + DESC_SIZE * pos + DESC_FLAGS) & 0xffff;
    final boolean a = (flags & F_AVAIL) != 0;
    final boolean u = (flags & F_USED) != 0;
    if (a == u) {
      // (!w, !w): used in the previous lap, nothing new; (w, w): "used" in a lap the device has
      // not reached yet, which no driver can write
      return a == w ? fail(RingError.WRAP_STATE) : false;
    }
    if (a != w) {
      // (!w, w): made available in the previous lap and popped, not yet used: nothing new
      return false;
    }
    final RingError e = walk(pos, w, flags, chain);
    if (e != RingError.NONE) {
      return fail(e);
    }
    final int count = chain.descriptorCount();
    idCount[chain.id()] = count | (chain.readableSegments() < chain.segments() ? WRITABLE : 0);
    if (inOrder) {
      popOrder[popAt] = chain.id();
      popAt = popAt + 1 == size ? 0 : popAt + 1;
    }
    final int next = pos + count;
    if (next >= size) {
      nextAvail = next - size;
      availWrap = !w;
    } else {
      nextAvail = next;
    }
    if (readAhead != 0) {
      lookAhead(nextAvail, availWrap);
    }
    return true;
  }

  /**
   * Reads the descriptor {@link #readAhead} slots after the head just popped (so {@code pos}, the
   * next head, plus {@code readAhead - 1}: the same place a split ring looks when chains are single
   * descriptors) and the first byte of its buffer, if the driver has made it available in this lap
   * (its flags read plainly: nothing read here is acted on, the pop reads them again with acquire)
   * and the device may read it.
   */
  private void lookAhead(final int pos, final boolean wrap) {
    int at = pos + readAhead - 1;
    boolean w = wrap;
    if (at >= size) {
      at -= size;
      w = !w;
      if (at >= size) {
        return;
      }
    }
    final int o = descOff + DESC_SIZE * at;
    final int flags = (short) Le.U16.get(desc, o + DESC_FLAGS) & 0xffff;
    final boolean a = (flags & F_AVAIL) != 0;
    if (a == ((flags & F_USED) != 0) || a != w || (flags & (F_WRITE | F_INDIRECT)) != 0
        || (int) Le.U32.get(desc, o + DESC_LEN) == 0) {
      return;
    }
    touchAhead((long) Le.U64.get(desc, o + DESC_ADDR));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each head's flags are read with acquire, as {@link #pop} reads them (the driver publishes
   * a batch with one release store of its first head's flags, and the device cannot tell where a
   * batch ends); each chain gets every check of {@link #pop}, in its order.
   */
  @Override
  public int popBatch(final ChainBatch batch) {
    if (!beginBatch(batch)) {
      return 0;
    }
    final int max = batch.capacity();
    final ByteBuffer d = desc;
    final int dOff = descOff;
    final int[] count = idCount;
    // the map as ready() found it current: one volatile read for the batch (Iotlb.translate)
    final Object map = generation;
    int pos = nextAvail;
    boolean w = availWrap;
    int n = 0;
    boolean rest = false;
    while (n < max) {
      final int o = dOff + DESC_SIZE * pos;
      // acquire: pairs with the driver's release store of a head's flags (virtio 1.2 §2.8.21)
      final int flags = (short) Le.U16.getAcquire(d, o + DESC_FLAGS) & 0xffff;
      final boolean a = (flags & F_AVAIL) != 0;
      if (a == ((flags & F_USED) != 0)) {
        if (a == w) {
          fail(RingError.WRAP_STATE); // as pop: "used" in a lap the device has not reached
        }
        break;
      }
      if (a != w) {
        break;
      }
      final long lenIdFlags = (long) Le.U64.get(d, o + DESC_LEN);
      final long len = lenIdFlags & 0xFFFF_FFFFL;
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
      final int id = (int) (lenIdFlags >>> 32) & 0xffff;
      if (id >= size) {
        fail(RingError.ID_OUT_OF_RANGE);
        break;
      }
      if (count[id] != 0) {
        fail(RingError.ID_IN_USE);
        break;
      }
      batch.set(n, id, tr.hitBuffer(), off, (int) len, writable);
      count[id] = writable ? 1 | WRITABLE : 1;
      if (inOrder) {
        popOrder[popAt] = id;
        popAt = popAt + 1 == size ? 0 : popAt + 1;
      }
      if (++pos == size) {
        pos = 0;
        w = !w;
      }
      if (readAhead != 0) {
        lookAhead(pos, w);
      }
      n++;
    }
    nextAvail = pos;
    availWrap = w;
    return endBatch(batch, n, rest);
  }

  private RingError walk(final int head, final boolean wrap, final int headFlags, final DescriptorChain chain) {
    if ((headFlags & (F_NEXT | F_INDIRECT)) == 0) {
      // a chain of one descriptor in one piece of memory, the common case: checked in the order the
      // loop below checks it (translation, then the id), filled in one step
      final int o = descOff + DESC_SIZE * head;
      final long lenIdFlags = (long) Le.U64.get(desc, o + DESC_LEN);
      final long len = lenIdFlags & 0xFFFF_FFFFL;
      if (len != 0) {
        final boolean writable = (headFlags & F_WRITE) != 0;
        final RingError e = iotlb.translate((long) Le.U64.get(desc, o + DESC_ADDR), len, writable, tr);
        if (e != RingError.NONE) {
          return e;
        }
        if (tr.length() == len) {
          final int id = (int) (lenIdFlags >>> 32) & 0xffff;
          if (id >= size) {
            return RingError.ID_OUT_OF_RANGE;
          }
          if (idCount[id] != 0) {
            return RingError.ID_IN_USE;
          }
          chain.single(id, tr.buffer(), tr.offset(), (int) len, writable);
          return RingError.NONE;
        }
      }
    }
    chain.begin(0);
    final ByteBuffer d = desc;
    int p = head;
    int f = headFlags;
    int count = 0;
    int id;
    while (true) {
      count++;
      final int o = descOff + DESC_SIZE * p;
      final long addr = (long) Le.U64.get(d, o + DESC_ADDR);
      // len, id and flags are one little-endian 64-bit word after addr: one read instead of two
      // (its flags are not used: f was read first, with acquire for the head)
      final long lenIdFlags = (long) Le.U64.get(d, o + DESC_LEN);
      final long len = lenIdFlags & 0xFFFF_FFFFL;
      id = (int) (lenIdFlags >>> 32) & 0xffff;
      if ((f & F_INDIRECT) != 0) {
        if ((f & F_NEXT) != 0) {
          return RingError.INDIRECT_WITH_NEXT;
        }
        final RingError e = walkIndirect(addr, len, count, chain);
        if (e != RingError.NONE) {
          return e;
        }
        break;
      }
      final RingError e = chain.append(iotlb, tr, addr, len, (f & F_WRITE) != 0);
      if (e != RingError.NONE) {
        return e;
      }
      if ((f & F_NEXT) == 0) {
        break;
      }
      if (count == size) {
        return RingError.CHAIN_TOO_LONG;
      }
      p = p + 1 == size ? 0 : p + 1;
      f = (short) Le.U16.get(d, descOff + DESC_SIZE * p + DESC_FLAGS) & 0xffff;
    }
    if (id >= size) {
      return RingError.ID_OUT_OF_RANGE;
    }
    if (idCount[id] != 0) {
      return RingError.ID_IN_USE;
    }
    chain.finish(id, count);
    return RingError.NONE;
  }

  private RingError walkIndirect(final long addr, final long len, final int direct, final DescriptorChain chain) {
    if (!indirect) {
      return RingError.INDIRECT_NOT_NEGOTIATED;
    }
    if (len == 0 || (len & (DESC_SIZE - 1)) != 0) {
      return RingError.INDIRECT_BAD_LENGTH;
    }
    final long entries = len / DESC_SIZE;
    if (entries + direct - 1 > size) {
      return RingError.CHAIN_TOO_LONG;
    }
    final RingError te = iotlb.translateContiguous(addr, len, false, ringTr);
    if (te != RingError.NONE) {
      return te;
    }
    final ByteBuffer t = ringTr.buffer();
    final int base = ringTr.offset();
    for (int j = 0; j < entries; j++) {
      final int o = base + DESC_SIZE * j;
      final int f = (short) Le.U16.get(t, o + DESC_FLAGS) & 0xffff;
      if ((f & F_INDIRECT) != 0) {
        return RingError.NESTED_INDIRECT;
      }
      final long a = (long) Le.U64.get(t, o + DESC_ADDR);
      final long l = (int) Le.U32.get(t, o + DESC_LEN) & 0xFFFF_FFFFL;
      final RingError e = chain.append(iotlb, tr, a, l, (f & F_WRITE) != 0);
      if (e != RingError.NONE) {
        return e;
      }
    }
    return RingError.NONE;
  }

  @Override
  public RingError push(final int id, final int len) {
    if (error != RingError.NONE) {
      return error;
    }
    final RingError refused = refusal(id);
    if (refused != RingError.NONE) {
      return refused;
    }
    if (!ready()) {
      return error;
    }
    use(id, len);
    return RingError.NONE;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The ring areas are checked once, before the ids (a stopped queue or a map that no longer
   * holds them refuses the whole batch); then each id gets the checks of {@link #push}, in order.
   */
  @Override
  public RingError pushBatch(final ChainBatch batch, final int len) {
    if (!ready()) { // a stopped queue included
      return error;
    }
    final int n = batch.count();
    for (int i = 0; i < n; i++) {
      final int id = batch.id(i);
      final RingError refused = refusal(id);
      if (refused != RingError.NONE) {
        return refused;
      }
      use(id, len);
    }
    return RingError.NONE;
  }

  /** Why {@code id} cannot be pushed now (not in flight, or not the oldest under IN_ORDER), or NONE. */
  private RingError refusal(final int id) {
    if (id < 0 || id >= size || idCount[id] == 0) {
      return RingError.USED_ID_INVALID;
    }
    if (inOrder && popOrder[pushAt] != id) {
      return RingError.OUT_OF_ORDER;
    }
    return RingError.NONE;
  }

  /**
   * Marks a checked {@code id} used at the next used slot and moves past its chain: its used
   * descriptor is written now, or, if it joins a run under IN_ORDER, when the run ends.
   */
  private void use(final int id, final int len) {
    if (inOrder) {
      pushAt = pushAt + 1 == size ? 0 : pushAt + 1;
    }
    final int pos = nextUsed;
    final boolean w = usedWrap;
    final int c = idCount[id];
    if (inOrder && len == 0 && (c & WRITABLE) == 0) {
      if (runPos < 0) {
        runPos = pos;
        runWrap = w;
      }
      runId = id;
    } else {
      endRun();
      writeUsed(pos, w, id, len);
    }
    final int next = pos + (c & COUNT);
    idCount[id] = 0;
    if (next >= size) {
      nextUsed = next - size;
      usedWrap = !w;
    } else {
      nextUsed = next;
    }
  }

  /** Writes the open run's one used descriptor, if there is a run. */
  private void endRun() {
    if (runPos >= 0) {
      writeUsed(runPos, runWrap, runId, 0);
      runPos = -1;
    }
  }

  /**
   * Writes a used descriptor at {@code pos}; the batch's first one without its flags, which {@link
   * #publish()} stores last.
   */
  private void writeUsed(final int pos, final boolean w, final int id, final int len) {
    final int o = descOff + DESC_SIZE * pos;
    final int flags = PackedLayout.usedBits(w) | (len != 0 ? F_WRITE : 0);
    if (pendingPos < 0) {
      Le.U16.set(desc, o + DESC_ID, (short) id);
      Le.U32.set(desc, o + DESC_LEN, len);
      pendingPos = pos;
      pendingFlags = flags;
    } else {
      // plain, len, id and flags in one 64-bit store: made visible by publish()'s release store of
      // the batch's first flags, which the driver must read before it reaches this slot
      Le.U64.set(desc, o + DESC_LEN, (len & 0xFFFF_FFFFL) | (long) id << 32 | (long) flags << 48);
    }
  }

  @Override
  public void publish() {
    if (error != RingError.NONE) {
      return;
    }
    endRun(); // before the release store below: a run's descriptor may be the batch's first
    final int p = pendingPos;
    if (p < 0) {
      return;
    }
    // release: publishes every used descriptor of the batch (ids, lengths, later flags); pairs
    // with the driver's acquire load of this slot's flags (virtio 1.2 §2.8.22 "Receiving Used Buffers")
    Le.U16.setRelease(desc, descOff + DESC_SIZE * p + DESC_FLAGS, (short) pendingFlags);
    pendingPos = -1;
    publishedSeq = PackedLayout.seq(nextUsed, usedWrap, size);
  }

  @Override
  public boolean needsNotify() {
    final int now = publishedSeq;
    final int old = notifiedSeq;
    if (now == old || error != RingError.NONE) {
      return false;
    }
    notifiedSeq = now;
    // full fence: the used flags store must be visible before the driver's event suppression is
    // read; pairs with the driver's fence in enableInterrupts() (virtio 1.2 §2.8.10)
    VarHandle.fullFence();
    return PackedLayout.eventWanted(driverEvent, driverEventOff, eventIdx, now, old, size);
  }

  @Override
  public boolean enableNotifications() {
    if (!ready()) {
      return false;
    }
    // the driver reads this after its fence in needsKick()
    PackedLayout.enableEvents(deviceEvent, deviceEventOff, eventIdx, nextAvail, availWrap);
    // full fence: the store above must be visible before the next slot is re-read, or a chain
    // made available meanwhile would wait for a kick that never comes (§2.8.10)
    VarHandle.fullFence();
    // acquire: pairs with the driver's release store of a head's flags in publish() (§2.8.21)
    final int f = (short) Le.U16.getAcquire(desc, descOff + DESC_SIZE * nextAvail + DESC_FLAGS) & 0xffff;
    final boolean a = (f & F_AVAIL) != 0;
    return a != ((f & F_USED) != 0) && a == availWrap;
  }

  @Override
  public void disableNotifications() {
    if (!ready()) {
      return;
    }
    // opaque: a hint with nothing to publish (§2.8.10)
    Le.U16.setOpaque(deviceEvent, deviceEventOff + EVENT_FLAGS, (short) EVENT_DISABLE);
  }

  @Override
  protected boolean refreshRings() {
    final Object g = iotlb.generation();
    final long descLen = (long) DESC_SIZE * size;
    RingError e = iotlb.translateContiguous(config.descAddr(), descLen, false, ringTr);
    if (e == RingError.NONE) {
      e = iotlb.translateContiguous(config.descAddr(), descLen, true, ringTr);
    }
    if (e != RingError.NONE) {
      return fail(e);
    }
    final ByteBuffer d = ringTr.buffer();
    final int dOff = ringTr.offset();
    e = iotlb.translateContiguous(config.driverAddr(), PackedLayout.EVENT_SIZE, false, ringTr);
    if (e != RingError.NONE) {
      return fail(e);
    }
    final ByteBuffer drv = ringTr.buffer();
    final int drvOff = ringTr.offset();
    e = iotlb.translateContiguous(config.deviceAddr(), PackedLayout.EVENT_SIZE, true, ringTr);
    if (e != RingError.NONE) {
      return fail(e);
    }
    if (d.alignmentOffset(dOff, 2) != 0 || drv.alignmentOffset(drvOff, 2) != 0
        || ringTr.buffer().alignmentOffset(ringTr.offset(), 2) != 0) {
      return fail(RingError.MISALIGNED);
    }
    desc = d;
    descOff = dOff;
    driverEvent = drv;
    driverEventOff = drvOff;
    deviceEvent = ringTr.buffer();
    deviceEventOff = ringTr.offset();
    generation = g;
    return true;
  }

  @Override
  public void reset() {
    clearError();
    desc = null;
    driverEvent = null;
    deviceEvent = null;
    nextAvail = 0;
    availWrap = true;
    nextUsed = 0;
    usedWrap = true;
    pendingPos = -1;
    runPos = -1;
    publishedSeq = 0;
    notifiedSeq = 0;
    popAt = 0;
    pushAt = 0;
    Arrays.fill(idCount, 0);
  }

  /**
   * The state to save for suspend/resume or migration.
   *
   * @return positions and wrap counters
   */
  public PackedQueueState state() {
    return new PackedQueueState(nextAvail, availWrap, nextUsed, usedWrap);
  }

  /**
   * Resets the queue and continues from a saved state, after validating it against the size.
   *
   * @param state the untrusted state
   * @throws IllegalArgumentException if it does not fit this queue
   */
  public void restore(PackedQueueState state) {
    state.validate(size);
    reset();
    nextAvail = state.lastAvailIdx();
    availWrap = state.availWrap();
    nextUsed = state.lastUsedIdx();
    usedWrap = state.usedWrap();
    publishedSeq = PackedLayout.seq(nextUsed, usedWrap, size);
    notifiedSeq = publishedSeq;
  }
}
