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
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingError;
import net.vdpa.ring.VirtioRingFeatures;
import net.vdpa.ring.internal.Areas;
import net.vdpa.ring.internal.Le;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.Translation;

/**
 * The driver side of a packed virtqueue: writes descriptors with the AVAIL/USED bits of its wrap
 * counter and reads used descriptors back from the same ring.
 *
 * <p>Batching: the head flags of the first chain added after a {@link #publish()} are held back;
 * every later descriptor is written with plain stores, and {@link #publish()} release-stores the held
 * flags last, so the device sees the whole batch at once (virtio 1.2 §2.8.21, "Updating flags").
 * When the head is a single descriptor, its address, length and id are held back too, and so are
 * the single descriptors after it in its cache line: {@link #publish()} writes that line at once
 * (a device that has caught up polls the head's flags there while the batch is filled).
 * Buffer ids are reused first in, first out; a used descriptor naming no id in flight stops the queue.
 *
 * <p>With VIRTIO_F_IN_ORDER, a used descriptor stands for every chain in flight up to the one whose
 * id it names (virtio 1.2 §2.8.8 "In-order use of descriptors"): they are taken back oldest first, each with length 0
 * but the named one, which gets the descriptor's length, and the next used descriptor is read
 * after the last of them. Every id a used descriptor names is checked: one naming no id the device
 * has been given (not in flight, or added since the last publish) stops the queue, after the
 * chains published before that one are taken back.
 *
 * <p>Driver side: one thread.
 */
public final class PackedDriver implements DriverQueue {
  /** {@link #usedWord}'s answer when there is no used descriptor to take. */
  private static final long NO_USED = -1L;

  private final int size;
  private final Iotlb iotlb;
  private final boolean eventIdx;
  private final boolean indirect;
  private final boolean inOrder;
  private final ByteBuffer desc;
  private final int descOff;
  private final ByteBuffer driverEvent;
  private final int driverEventOff;
  private final ByteBuffer deviceEvent;
  private final int deviceEventOff;
  private final Translation tableTr = new Translation();
  private final int[] freeIds;
  /** Ring descriptors per buffer id in flight; 0 when free. */
  private final int[] idCount;
  /** {@link #pollUsed()}'s burst of one. */
  private final int[] oneId = new int[1];
  private final int[] oneLen = new int[1];

  /** Where the next free id is in {@link #freeIds}, a ring: ids are reused first in, first out. */
  private int freeIdHead;
  private int freeIdCount;
  private int numFree;
  private int nextAvail;
  private boolean availWrap = true;
  private int nextUsed;
  private boolean usedWrap = true;
  private int pendingPos = -1;
  private int pendingFlags;
  /**
   * IN_ORDER: the id named by the used descriptor being taken back, when a burst ended before the
   * chains it stands for did; -1 when none.
   */
  private int runLast = -1;
  /** The length that used descriptor gave. */
  private int runLen;
  /** Chains added since the last {@link #publish()}: in flight, but the device has not seen them. */
  private int unpublished;
  /** The held head is a chain of one descriptor whose address and word are not written yet. */
  private boolean pendingBody;
  private long pendingAddr;
  private long pendingWord;
  /** Where slot 0 sits in its cache line (0-3): two slots share a line when (slot + it) / 4 do. */
  private final int lineSlot0;
  /** Single descriptors after the held head in its cache line, written at publish (at most 3). */
  private final int[] linePos = new int[3];
  private final long[] lineAddr = new long[3];
  private final long[] lineWord = new long[3];
  private int lineCount;
  private int publishedSeq;
  private int kickedSeq;
  private RingError error = RingError.NONE;

  /**
   * Creates the driver side and initialises the ring (all descriptors and event structures zeroed).
   *
   * @param config size (1..32768), ring IOVAs and features
   * @param iotlb the driver's own view of its memory (areas mapped read-write)
   * @throws IllegalArgumentException if an area is misaligned or not mapped read-write in one piece
   */
  public PackedDriver(QueueConfig config, Iotlb iotlb) {
    PackedLayout.checkAreas(config);
    this.iotlb = iotlb;
    this.size = config.size();
    this.eventIdx = config.has(VirtioRingFeatures.EVENT_IDX);
    this.indirect = config.has(VirtioRingFeatures.INDIRECT_DESC);
    this.inOrder = config.has(VirtioRingFeatures.IN_ORDER);
    Translation t = new Translation();
    Areas.driverArea(iotlb, "descriptor ring", config.descAddr(), DESC_SIZE * size, t);
    desc = t.buffer();
    descOff = t.offset();
    lineSlot0 = desc.alignmentOffset(descOff, 64) / DESC_SIZE;
    Areas.driverArea(iotlb, "driver event suppression", config.driverAddr(), PackedLayout.EVENT_SIZE, t);
    driverEvent = t.buffer();
    driverEventOff = t.offset();
    Areas.driverArea(iotlb, "device event suppression", config.deviceAddr(), PackedLayout.EVENT_SIZE, t);
    deviceEvent = t.buffer();
    deviceEventOff = t.offset();
    freeIds = new int[size];
    idCount = new int[size];
    for (int i = 0; i < size; i++) {
      freeIds[i] = i;
    }
    freeIdCount = size;
    numFree = size;
    for (int i = 0; i < size; i++) {
      Le.U64.set(desc, descOff + DESC_SIZE * i + DESC_ADDR, 0L);
      Le.U64.set(desc, descOff + DESC_SIZE * i + DESC_LEN, 0L);
    }
    Le.U32.set(driverEvent, driverEventOff, 0);
    // release: the zeroed ring is published before the device is told its address (§2.8.21)
    Le.U32.setRelease(deviceEvent, deviceEventOff, 0);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int freeDescriptors() {
    return numFree;
  }

  /** The free id freed longest ago: buffer ids come round in the same order, lap after lap. */
  private int takeId() {
    final int id = freeIds[freeIdHead];
    freeIdHead = freeIdHead + 1 == size ? 0 : freeIdHead + 1;
    freeIdCount--;
    unpublished++;
    return id;
  }

  @Override
  public int nextId() {
    return numFree < 1 || freeIdCount == 0 || error != RingError.NONE ? FULL : freeIds[freeIdHead];
  }

  @Override
  public int add(final long addr, final int len, final boolean deviceWritable) {
    if (numFree < 1 || freeIdCount == 0 || error != RingError.NONE) {
      return FULL;
    }
    final int id = takeId();
    writeSingle(nextAvail, addr, len, id, (deviceWritable ? F_WRITE : 0) | PackedLayout.availBits(availWrap));
    advance(1);
    idCount[id] = 1;
    return id;
  }

  @Override
  public int add(final long[] addrs, final int[] lens, final int readable, final int writable) {
    final int n = readable + writable;
    checkChain(n, readable, writable);
    if (numFree < n || freeIdCount == 0 || error != RingError.NONE) {
      return FULL;
    }
    final int id = takeId();
    final int head = nextAvail;
    final int headFlags = (readable == 0 ? F_WRITE : 0) | (n > 1 ? F_NEXT : 0) | PackedLayout.availBits(availWrap);
    writeDesc(head, addrs[0], lens[0], id);
    advance(1);
    for (int k = 1; k < n; k++) {
      final int pos = nextAvail;
      writeDesc(pos, addrs[k], lens[k], id);
      final int flags = (k >= readable ? F_WRITE : 0) | (k < n - 1 ? F_NEXT : 0) | PackedLayout.availBits(availWrap);
      // plain: the device reads this slot only after the head's release store
      Le.U16.set(desc, descOff + DESC_SIZE * pos + DESC_FLAGS, (short) flags);
      advance(1);
    }
    headFlags(head, headFlags);
    idCount[id] = n;
    return id;
  }

  @Override
  public int addIndirect(
      final long tableAddr, final long[] addrs, final int[] lens, final int readable, final int writable) {
    final int n = readable + writable;
    checkChain(n, readable, writable);
    if (!indirect) {
      throw new IllegalArgumentException("VIRTIO_F_INDIRECT_DESC was not negotiated");
    }
    if (numFree < 1 || freeIdCount == 0 || error != RingError.NONE) {
      return FULL;
    }
    final RingError e = iotlb.translateContiguous(tableAddr, (long) DESC_SIZE * n, true, tableTr);
    if (e != RingError.NONE) {
      throw new IllegalArgumentException(
          "indirect table at 0x" + Long.toHexString(tableAddr) + " is unusable: " + e.description());
    }
    final ByteBuffer t = tableTr.buffer();
    final int base = tableTr.offset();
    for (int k = 0; k < n; k++) {
      final int o = base + DESC_SIZE * k;
      Le.U64.set(t, o + DESC_ADDR, addrs[k]);
      Le.U32.set(t, o + DESC_LEN, lens[k]);
      Le.U16.set(t, o + DESC_ID, (short) 0);
      Le.U16.set(t, o + DESC_FLAGS, (short) (k >= readable ? F_WRITE : 0));
    }
    final int id = takeId();
    writeSingle(nextAvail, tableAddr, DESC_SIZE * n, id, F_INDIRECT | PackedLayout.availBits(availWrap));
    advance(1);
    idCount[id] = 1;
    return id;
  }

  private void checkChain(int n, int readable, int writable) {
    if (readable < 0 || writable < 0 || n < 1 || n > size) {
      throw new IllegalArgumentException(
          "chain of " + readable + " readable + " + writable + " writable buffers does not fit queue size " + size);
    }
  }

  private void writeDesc(final int pos, final long addr, final int len, final int id) {
    final int o = descOff + DESC_SIZE * pos;
    Le.U64.set(desc, o + DESC_ADDR, addr);
    Le.U32.set(desc, o + DESC_LEN, len);
    Le.U16.set(desc, o + DESC_ID, (short) id);
  }

  /**
   * A chain of one descriptor. The batch's head is held back whole, and so are the single
   * descriptors after it in its cache line: the device, polling the head's flags for the next
   * batch, reads that line while the batch is filled, and each store into it would take the line
   * back from the device's core (at 1,500 B, a payload copy between two such stores). {@link
   * #publish()} writes the line at once, the head's flags last.
   */
  private void writeSingle(final int pos, final long addr, final int len, final int id, final int flags) {
    final long word = (len & 0xFFFF_FFFFL) | (long) id << 32 | (long) flags << 48;
    final int head = pendingPos;
    if (head < 0) {
      pendingPos = pos;
      pendingFlags = flags;
      pendingBody = true;
      pendingAddr = addr;
      pendingWord = word;
      lineCount = 0;
      return;
    }
    // a batch's slots are distinct, so at most 3 share the head's line; the count is checked all
    // the same, as a device that uses a buffer of the unpublished batch frees its slot early
    if (lineCount < 3 && (pos + lineSlot0) >>> 2 == (head + lineSlot0) >>> 2) {
      final int k = lineCount++;
      linePos[k] = pos;
      lineAddr[k] = addr;
      lineWord[k] = word;
      return;
    }
    final int o = descOff + DESC_SIZE * pos;
    Le.U64.set(desc, o + DESC_ADDR, addr);
    // plain, len, id and flags in one 64-bit store: made visible by publish()'s release store of the
    // batch's first head, which the device must read before it reaches this slot
    Le.U64.set(desc, o + DESC_LEN, word);
  }

  private void headFlags(final int pos, final int flags) {
    if (pendingPos < 0) {
      pendingPos = pos;
      pendingFlags = flags;
      pendingBody = false;
      lineCount = 0;
    } else {
      // plain: made visible by publish()'s release store of the batch's first head, which the
      // device must read before it reaches this slot
      Le.U16.set(desc, descOff + DESC_SIZE * pos + DESC_FLAGS, (short) flags);
    }
  }

  private void advance(final int by) {
    numFree -= by;
    final int next = nextAvail + by;
    if (next >= size) {
      nextAvail = next - size;
      availWrap = !availWrap;
    } else {
      nextAvail = next;
    }
  }

  @Override
  public void publish() {
    final int p = pendingPos;
    if (p < 0) {
      return;
    }
    final ByteBuffer d = desc;
    for (int k = 0; k < lineCount; k++) {
      final int o = descOff + DESC_SIZE * linePos[k];
      Le.U64.set(d, o + DESC_ADDR, lineAddr[k]);
      Le.U64.set(d, o + DESC_LEN, lineWord[k]); // plain: published by the release store below
    }
    final int o = descOff + DESC_SIZE * p;
    if (pendingBody) {
      final long w = pendingWord;
      Le.U64.set(d, o + DESC_ADDR, pendingAddr);
      Le.U32.set(d, o + DESC_LEN, (int) w);
      Le.U16.set(d, o + DESC_ID, (short) (w >>> 32));
    }
    // release: publishes every descriptor of the batch; pairs with the device's acquire load of
    // this head's flags (virtio 1.2 §2.8.21 "Updating flags")
    Le.U16.setRelease(d, o + DESC_FLAGS, (short) pendingFlags);
    pendingPos = -1;
    unpublished = 0;
    publishedSeq = PackedLayout.seq(nextAvail, availWrap, size);
  }

  @Override
  public boolean needsKick() {
    final int now = publishedSeq;
    final int old = kickedSeq;
    if (now == old) {
      return false;
    }
    kickedSeq = now;
    // full fence: the head flags store must be visible before the device's event suppression is
    // read; pairs with the device's fence in enableNotifications() (virtio 1.2 §2.8.10)
    VarHandle.fullFence();
    return PackedLayout.eventWanted(deviceEvent, deviceEventOff, eventIdx, now, old, size);
  }

  @Override
  public long pollUsed() {
    return pollUsed(oneId, oneLen, 1) == 0 ? EMPTY : DriverQueue.used(oneId[0], oneLen[0]);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each used descriptor's flags are read with acquire, as the device's batch boundaries are
   * not visible here; positions, wrap counter and free list stay in locals for the burst. The loop
   * is written so that finding the next used descriptor waits on no load of this one but its flags
   * (benchmarks/README.md, "Session s50").
   */
  @Override
  public int pollUsed(final int[] ids, final int[] lens, final int max) {
    DriverQueue.checkBurst(ids, lens, max);
    if (error != RingError.NONE) {
      return 0;
    }
    if (inOrder) {
      return pollUsedInOrder(ids, lens, max);
    }
    final ByteBuffer d = desc;
    final int dOff = descOff;
    final int[] count = idCount;
    final int[] free = freeIds;
    int pos = nextUsed;
    boolean w = usedWrap;
    final int t = freeIdHead + freeIdCount;
    int tail = t >= size ? t - size : t;
    int descriptors = 0;
    int n = 0;
    // the AVAIL and USED bits of a descriptor used in lap w: both set, or both clear
    int usedBits = PackedLayout.usedBits(w);
    while (n < max) {
      final int o = dOff + DESC_SIZE * pos;
      // acquire: pairs with the device's release store of its batch's first flags, as in usedWord
      // (virtio 1.2 §2.8.22)
      final int f = (short) Le.U16.getAcquire(d, o + DESC_FLAGS);
      if ((f & (F_AVAIL | F_USED)) != usedBits) {
        break;
      }
      // len and id in one read of the 64-bit word after addr
      final long word = (long) Le.U64.get(d, o + DESC_LEN);
      final int id = (int) (word >>> 32) & 0xffff;
      final int c = id < size ? count[id] : 0;
      if (c == 0) {
        fail(RingError.USED_ID_INVALID); // names no id in flight
        break;
      }
      count[id] = 0;
      if (free[tail] != id) {
        // skipped when equal: ids used in the order they were taken come round the same way
        free[tail] = id;
      }
      tail = tail + 1 == size ? 0 : tail + 1;
      descriptors += c;
      if (ids != null) {
        ids[n] = id;
      }
      if (lens != null) {
        lens[n] = (int) word;
      }
      // a branch, not an addition of c: the next descriptor's place then does not wait for the
      // load of c (a chain of one is the common case, and the branch predicts it), so reading the
      // next used descriptor overlaps taking back this one
      if (c == 1) {
        if (++pos == size) {
          pos = 0;
          w = !w;
          usedBits = PackedLayout.usedBits(w);
        }
      } else {
        final int next = pos + c;
        if (next >= size) {
          pos = next - size;
          w = !w;
          usedBits = PackedLayout.usedBits(w);
        } else {
          pos = next;
        }
      }
      n++;
    }
    nextUsed = pos;
    usedWrap = w;
    freeIdCount += n;
    numFree += descriptors;
    return n;
  }

  /**
   * The used descriptor at ring offset {@code o}, if the device has marked it used in lap {@code w}:
   * its length and id ({@code len | id << 32}); {@link #NO_USED} if it is not, or if it names no id
   * in flight (the queue then stops).
   */
  private long usedWord(final ByteBuffer d, final int o, final boolean w) {
    // acquire: pairs with the device's release store of its batch's first flags, so the id and
    // length below (and the rest of its batch) are visible, and so is everything the device did
    // before with the chains this descriptor stands for: their slots and buffers are the driver's
    // again (virtio 1.2 §2.8.22)
    final int f = (short) Le.U16.getAcquire(d, o + DESC_FLAGS) & 0xffff;
    final boolean a = (f & F_AVAIL) != 0;
    if (a != ((f & F_USED) != 0) || a != w) {
      return NO_USED;
    }
    // len and id in one read of the 64-bit word after addr (its flags masked off)
    final long word = (long) Le.U64.get(d, o + DESC_LEN) & 0xFFFF_FFFF_FFFFL;
    final int id = (int) (word >>> 32);
    if (id >= size || idCount[id] == 0) {
      fail(RingError.USED_ID_INVALID);
      return NO_USED;
    }
    return word;
  }

  /**
   * {@link #pollUsed(int[], int[], int)} under IN_ORDER: the chains in flight sit in the free list
   * after its free ids, oldest first (ids are taken from its head and come back at its tail), so
   * each used descriptor takes back the chains from there up to the one it names.
   */
  private int pollUsedInOrder(final int[] ids, final int[] lens, final int max) {
    final ByteBuffer d = desc;
    final int dOff = descOff;
    final int[] count = idCount;
    final int[] flight = freeIds;
    int pos = nextUsed;
    boolean w = usedWrap;
    final int t = freeIdHead + freeIdCount;
    int tail = t >= size ? t - size : t;
    int last = runLast;
    int lastLen = runLen;
    // the chains the device has been given, oldest first: a used descriptor stands for some of them
    int given = size - freeIdCount - unpublished;
    int descriptors = 0;
    int n = 0;
    while (n < max) {
      if (given == 0) {
        if (last >= 0) {
          fail(RingError.USED_ID_INVALID); // it named a chain added since the last publish
        }
        break;
      }
      if (last < 0) {
        final long word = usedWord(d, dOff + DESC_SIZE * pos, w);
        if (word < 0) {
          break;
        }
        // in flight: the walk reaches it, or stops the queue at the chains not published
        last = (int) (word >>> 32);
        lastLen = (int) word;
      }
      final int id = flight[tail];
      final int c = count[id];
      count[id] = 0;
      tail = tail + 1 == size ? 0 : tail + 1;
      given--;
      descriptors += c;
      if (ids != null) {
        ids[n] = id;
      }
      if (lens != null) {
        lens[n] = id == last ? lastLen : 0;
      }
      final int next = pos + c;
      if (next >= size) {
        pos = next - size;
        w = !w;
      } else {
        pos = next;
      }
      if (id == last) {
        last = -1;
      }
      n++;
    }
    runLast = last;
    runLen = lastLen;
    nextUsed = pos;
    usedWrap = w;
    freeIdCount += n;
    numFree += descriptors;
    return n;
  }

  private void fail(RingError e) {
    error = e;
  }

  @Override
  public boolean enableInterrupts() {
    // the device reads this after its fence in needsNotify()
    PackedLayout.enableEvents(driverEvent, driverEventOff, eventIdx, nextUsed, usedWrap);
    // full fence: the store above must be visible before the next used slot is re-read (§2.8.10)
    VarHandle.fullFence();
    if (runLast >= 0) {
      return true; // chains of a used descriptor already read wait to be taken back
    }
    // acquire: pairs with the device's release store of a used slot's flags in publish() (§2.8.22)
    final int f = (short) Le.U16.getAcquire(desc, descOff + DESC_SIZE * nextUsed + DESC_FLAGS) & 0xffff;
    final boolean a = (f & F_AVAIL) != 0;
    return a == ((f & F_USED) != 0) && a == usedWrap;
  }

  @Override
  public void disableInterrupts() {
    // opaque: a hint with nothing to publish (§2.8.10)
    Le.U16.setOpaque(driverEvent, driverEventOff + EVENT_FLAGS, (short) EVENT_DISABLE);
  }

  @Override
  public RingError error() {
    return error;
  }
}
