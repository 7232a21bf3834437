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
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingError;
import net.vdpa.ring.RingIndex;
import net.vdpa.ring.VirtioRingFeatures;
import net.vdpa.ring.internal.Areas;
import net.vdpa.ring.internal.Le;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.Translation;

/**
 * The driver side of a split virtqueue: writes descriptors and available entries into the driver's
 * own memory, publishes them in batches with one release store of {@code avail.idx}, and takes used
 * elements back.
 *
 * <p>The free-descriptor list and the chain bookkeeping live in Java arrays, never in the shared
 * table, so a device cannot corrupt them; a used element that names no chain in flight, or a used
 * index that jumps, stops the queue with a {@link RingError}, after which it adds and takes back
 * nothing (whatever the device writes later). With VIRTIO_F_IN_ORDER it also accepts
 * a device that writes one used element for a batch (the earlier chains come back with length 0).
 *
 * <p><b>IN_ORDER needs no free list.</b> The device uses chains in the order they were made
 * available, so descriptors are handed out and come back in ring order: two counters say which are
 * free, a chain's descriptors are the next ones in the table (linked in that order, wrapping at its
 * end), and a used element must name the oldest chain in flight, or a later one for a batch (found
 * by walking the chains in flight). A driver that adds one-descriptor chains lap after lap then
 * stores only the available index and the descriptor counter per chain (session s58 in
 * benchmarks/README.md).
 *
 * <p><b>Free descriptors first in, first out</b> (without IN_ORDER). A used chain's descriptors go to the end of the
 * free list, not its front. A device that uses chains in the order they were made available then
 * gets the ids round in the same order every lap: available slot {@code i} names the same head each
 * time, and a driver that keeps a buffer per id ({@link #nextId()}) writes the same descriptor
 * bytes, so neither line is stored again and both stay in the device's cache. Reused front first,
 * each lap reversed the order of the one before, and every available entry changed.
 *
 * <p>Driver side: one thread.
 */
public final class SplitDriver implements DriverQueue {
  private final int size;
  private final int mask;
  private final Iotlb iotlb;
  private final boolean eventIdx;
  private final boolean indirect;
  private final boolean inOrder;
  private final int usedEventOffset;
  private final int availEventOffset;
  private final ByteBuffer desc;
  private final int descOff;
  private final ByteBuffer avail;
  private final int availOff;
  private final ByteBuffer used;
  private final int usedOff;
  private final Translation tableTr = new Translation();
  /** Free list links (and chain links while in flight); unused under IN_ORDER. */
  private final int[] nextFree;
  /**
   * Per chain in flight, by head: its last descriptor in the upper 16 bits and its descriptor count
   * in the lower 16 ({@link #chain}); without IN_ORDER 0 when not in flight. One word, so that adding
   * and releasing a chain store and load one array element, not two. Under IN_ORDER the word stays
   * after the chain comes back (the next chain at that head usually writes the same), and what is in
   * flight follows from {@link #descDone} and {@link #descNext}.
   */
  private final int[] chains;

  private int freeHead;
  /** The last free descriptor: released chains join the free list here (first in, first out). */
  private int freeTail;
  private int numFree;
  private int inFlight;
  private int availIdx;
  private int publishedAvail;
  private int kickedAvail;
  private int lastUsed;
  private int cachedUsed;
  /**
   * IN_ORDER: descriptors handed out and descriptors taken back, as running counts. They wrap at
   * 2^32, which is harmless: only their difference (at most the size) and their low bits ({@code &
   * mask}, the next descriptor) are used.
   */
  private int descNext;
  private int descDone;
  /** IN_ORDER: chains taken back, modulo 2^16 (the chains in flight are {@code availIdx} minus it). */
  private int chainsDone;
  private int skipUntil = -1;
  private int skipLen;
  private RingError error = RingError.NONE;

  /**
   * Creates the driver side and initialises the ring areas (flags and indices to 0).
   *
   * @param config size, ring IOVAs and features
   * @param iotlb the driver's own view of its memory (ring areas mapped read-write)
   * @throws IllegalArgumentException if the size is not a power of two, or an area is misaligned or
   *     not mapped read-write in one piece
   */
  public SplitDriver(QueueConfig config, Iotlb iotlb) {
    SplitLayout.checkSize(config.size());
    Areas.checkAligned("descriptor table", config.descAddr(), SplitLayout.DESC_ALIGN);
    Areas.checkAligned("available ring", config.driverAddr(), SplitLayout.AVAIL_ALIGN);
    Areas.checkAligned("used ring", config.deviceAddr(), SplitLayout.USED_ALIGN);
    this.iotlb = iotlb;
    this.size = config.size();
    this.mask = size - 1;
    this.eventIdx = config.has(VirtioRingFeatures.EVENT_IDX);
    this.indirect = config.has(VirtioRingFeatures.INDIRECT_DESC);
    this.inOrder = config.has(VirtioRingFeatures.IN_ORDER);
    this.usedEventOffset = SplitLayout.usedEventOffset(size);
    this.availEventOffset = SplitLayout.availEventOffset(size);
    Translation t = new Translation();
    Areas.driverArea(iotlb, "descriptor table", config.descAddr(), SplitLayout.descTableSize(size), t);
    desc = t.buffer();
    descOff = t.offset();
    Areas.driverArea(iotlb, "available ring", config.driverAddr(), SplitLayout.availSize(size), t);
    avail = t.buffer();
    availOff = t.offset();
    Areas.driverArea(iotlb, "used ring", config.deviceAddr(), SplitLayout.usedSize(size), t);
    used = t.buffer();
    usedOff = t.offset();
    nextFree = new int[size];
    chains = new int[size];
    for (int i = 0; i < size; i++) {
      nextFree[i] = i + 1;
    }
    numFree = size;
    freeTail = size - 1;
    Le.U16.set(avail, availOff + AVAIL_FLAGS, (short) 0);
    Le.U16.set(avail, availOff + usedEventOffset, (short) 0);
    Le.U16.set(used, usedOff + USED_FLAGS, (short) 0);
    Le.U16.set(used, usedOff + availEventOffset, (short) 0);
    Le.U16.set(used, usedOff + USED_IDX, (short) 0);
    // release: the zeroed ring is published before the device is told its address (§2.7.13.3)
    Le.U16.setRelease(avail, availOff + AVAIL_IDX, (short) 0);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int freeDescriptors() {
    return inOrder ? size - (descNext - descDone) : numFree;
  }

  @Override
  public int nextId() {
    if (freeDescriptors() < 1 || error != RingError.NONE) {
      return FULL;
    }
    return inOrder ? descNext & mask : freeHead;
  }

  @Override
  public int add(final long addr, final int len, final boolean deviceWritable) {
    if (inOrder) {
      return addInOrder(addr, len, deviceWritable ? F_WRITE : 0);
    }
    if (numFree < 1 || error != RingError.NONE) {
      return FULL;
    }
    final int head = freeHead;
    freeHead = nextFree[head];
    numFree--;
    writeDesc(head, addr, len, deviceWritable ? F_WRITE : 0, 0);
    chains[head] = chain(head, 1);
    return enqueue(head);
  }

  @Override
  public int add(final long[] addrs, final int[] lens, final int readable, final int writable) {
    final int n = readable + writable;
    checkChain(n, readable, writable);
    if (inOrder) {
      return addInOrder(addrs, lens, readable, n);
    }
    if (numFree < n || error != RingError.NONE) {
      return FULL;
    }
    final int head = freeHead;
    int i = head;
    int last = head;
    for (int k = 0; k < n; k++) {
      final int next = nextFree[i];
      final int flags = (k >= readable ? F_WRITE : 0) | (k < n - 1 ? F_NEXT : 0);
      writeDesc(i, addrs[k], lens[k], flags, next);
      last = i;
      i = next;
    }
    freeHead = i;
    numFree -= n;
    chains[head] = chain(last, n);
    return enqueue(head);
  }

  @Override
  public int addIndirect(
      final long tableAddr, final long[] addrs, final int[] lens, final int readable, final int writable) {
    final int n = readable + writable;
    checkChain(n, readable, writable);
    if (!indirect) {
      throw new IllegalArgumentException("VIRTIO_F_INDIRECT_DESC was not negotiated");
    }
    if (freeDescriptors() < 1 || error != RingError.NONE) {
      return FULL;
    }
    final RingError e = iotlb.translateContiguous(tableAddr, (long) DESC_SIZE * n, true, tableTr);
    if (e != RingError.NONE) {
      throw new IllegalArgumentException(
          "indirect table at 0x" + Long.toHexString(tableAddr) + " is unusable: " + e.description());
    }
    IndirectTable.write(tableTr.buffer(), tableTr.offset(), addrs, lens, readable, n);
    if (inOrder) {
      return addInOrder(tableAddr, DESC_SIZE * n, F_INDIRECT);
    }
    final int head = freeHead;
    freeHead = nextFree[head];
    numFree--;
    writeDesc(head, tableAddr, DESC_SIZE * n, F_INDIRECT, 0);
    chains[head] = chain(head, 1);
    return enqueue(head);
  }

  /**
   * IN_ORDER, one descriptor: the next in ring order. The device uses chains in the order they were
   * made available, so descriptors come back in ring order too and need no free list: what is free
   * follows from {@link #descNext} and {@link #descDone}. Every store whose bytes are already there
   * is skipped (the descriptor, the chain word, the available entry), so a driver adding the same
   * buffers lap after lap stores only {@link #descNext} and {@link #availIdx} per chain.
   */
  private int addInOrder(final long addr, final int len, final int flags) {
    final int next = descNext;
    if (size - (next - descDone) < 1 || error != RingError.NONE) {
      return FULL;
    }
    final int head = next & mask;
    writeDesc(head, addr, len, flags, 0);
    keepChain(head, chain(head, 1));
    descNext = next + 1;
    return enqueue(head);
  }

  /** IN_ORDER, a chain of {@code n} descriptors: the next {@code n} in ring order, linked in that order. */
  private int addInOrder(final long[] addrs, final int[] lens, final int readable, final int n) {
    final int next = descNext;
    if (size - (next - descDone) < n || error != RingError.NONE) {
      return FULL;
    }
    final int head = next & mask;
    for (int k = 0; k < n; k++) {
      final int i = (next + k) & mask;
      final int flags = (k >= readable ? F_WRITE : 0) | (k < n - 1 ? F_NEXT : 0);
      writeDesc(i, addrs[k], lens[k], flags, k < n - 1 ? (i + 1) & mask : 0);
    }
    keepChain(head, chain((next + n - 1) & mask, n));
    descNext = next + n;
    return enqueue(head);
  }

  /** IN_ORDER: a chain's word, stored only if it differs (the same chain a lap ago left it there). */
  private void keepChain(final int head, final int c) {
    if (chains[head] != c) {
      chains[head] = c;
    }
  }

  /**
   * A chain's entry in {@link #chains}: never 0, as a chain has at least one descriptor.
   *
   * @param last its last descriptor, below the size (at most 32768)
   * @param count its descriptors, 1 to the size
   */
  private static int chain(final int last, final int count) {
    return last << 16 | count;
  }

  private void checkChain(int n, int readable, int writable) {
    if (readable < 0 || writable < 0 || n < 1 || n > size) {
      throw new IllegalArgumentException(
          "chain of " + readable + " readable + " + writable + " writable buffers does not fit queue size " + size);
    }
  }

  /**
   * Writes a descriptor, skipping the fields that already hold the value. A descriptor the device
   * has read sits in the device's cache as well as ours; storing identical bytes would still take
   * the line away from it and make it fetch the line again, one cross-core transfer per four
   * descriptors. A driver that adds the same buffer under the same id again (pooled buffers, a
   * receive ring refilled with its own buffers) then writes nothing. The device never writes a
   * split descriptor table (virtio 1.2 §2.7.5), and what these reads see is only compared, never
   * trusted: a differing value is written as before.
   */
  private void writeDesc(final int i, final long addr, final int len, final int flags, final int next) {
    final int o = descOff + DESC_SIZE * i;
    if ((long) Le.U64.get(desc, o + DESC_ADDR) != addr) {
      Le.U64.set(desc, o + DESC_ADDR, addr);
    }
    // len, flags and next are one little-endian 64-bit word after addr
    final long lenFlagsNext = (len & 0xFFFF_FFFFL) | (long) (flags & RingIndex.MASK) << 32 | (long) next << 48;
    if ((long) Le.U64.get(desc, o + DESC_LEN) != lenFlagsNext) {
      Le.U64.set(desc, o + DESC_LEN, lenFlagsNext);
    }
  }

  private int enqueue(final int head) {
    final int a = availIdx;
    final int slot = availOff + AVAIL_RING + 2 * (a & mask);
    if (((short) Le.U16.get(avail, slot) & RingIndex.MASK) != head) {
      // skipped when equal, for the same reason as in writeDesc
      Le.U16.set(avail, slot, (short) head);
    }
    availIdx = RingIndex.add(a, 1);
    if (!inOrder) {
      inFlight++;
    }
    return head;
  }

  @Override
  public void publish() {
    final int a = availIdx;
    if (a == publishedAvail) {
      return;
    }
    // release: publishes the descriptors and available entries add() wrote; pairs with the
    // device's acquire load of avail.idx (virtio 1.2 §2.7.13.3)
    Le.U16.setRelease(avail, availOff + AVAIL_IDX, (short) a);
    publishedAvail = a;
  }

  @Override
  public boolean needsKick() {
    final int now = publishedAvail;
    final int old = kickedAvail;
    if (now == old) {
      return false;
    }
    kickedAvail = now;
    // full fence: the avail.idx store must be visible before avail_event / used.flags is read;
    // pairs with the device's fence in enableNotifications() (virtio 1.2 §2.7.13.4)
    VarHandle.fullFence();
    if (eventIdx) {
      // acquire: pairs with the device's release store of avail_event in enableNotifications()
      final int event = (short) Le.U16.getAcquire(used, usedOff + availEventOffset) & RingIndex.MASK;
      return RingIndex.needEvent(event, now, old);
    }
    // acquire: pairs with the device's release store of used.flags in enableNotifications()
    return ((short) Le.U16.getAcquire(used, usedOff + USED_FLAGS) & USED_F_NO_NOTIFY) == 0;
  }

  @Override
  public long pollUsed() {
    if (error != RingError.NONE) {
      return EMPTY; // stopped: nothing more is taken back
    }
    if (skipUntil >= 0) {
      return nextSkipped();
    }
    final int last = lastUsed;
    if (last == cachedUsed && !usedAfter(last)) {
      return EMPTY;
    }
    final int o = usedOff + USED_RING + USED_ELEM_SIZE * (last & mask);
    final int id = (int) Le.U32.get(used, o + USED_ELEM_ID);
    final int len = (int) Le.U32.get(used, o + USED_ELEM_LEN);
    if (inOrder) {
      // the oldest chain in flight, if any is: more used elements than chains is a device's error
      final boolean oldest = descDone != descNext && (descDone & mask) == id;
      if (!oldest && !headInFlight(id)) {
        return fail(RingError.USED_ID_INVALID); // the element stays unread: the queue has stopped
      }
      lastUsed = RingIndex.add(last, 1);
      if (!oldest) { // one element for a batch: every chain up to this one comes back
        skipUntil = id;
        skipLen = len;
        return nextSkipped();
      }
      releaseInOrder();
      return DriverQueue.used(id, len);
    }
    if (id < 0 || id >= size || chains[id] == 0) {
      return fail(RingError.USED_ID_INVALID);
    }
    lastUsed = RingIndex.add(last, 1);
    release(id);
    return DriverQueue.used(id, len);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The used index is read (acquire) only if the cached one is used up, so a call takes what
   * was visible then; without IN_ORDER the free list, the used index and the in-flight count stay in
   * locals for the burst. Every element is checked as in {@link #pollUsed()}. With IN_ORDER see
   * {@link #pollUsedInOrder}. A stopped queue takes nothing back.
   */
  @Override
  public int pollUsed(final int[] ids, final int[] lens, final int max) {
    DriverQueue.checkBurst(ids, lens, max);
    if (error != RingError.NONE) {
      return 0; // stopped: an element the device rewrites later is not taken either
    }
    if (inOrder) {
      return pollUsedInOrder(ids, lens, max);
    }
    final int k = visibleUsed(max);
    if (k == 0) {
      return 0;
    }
    int last = lastUsed;
    final ByteBuffer u = used;
    final int base = usedOff + USED_RING;
    final int[] inFlightChains = chains;
    final int[] links = nextFree;
    int free = numFree;
    int tail = freeTail;
    int n = 0;
    while (n < k) {
      final int o = base + USED_ELEM_SIZE * (last & mask);
      final int id = (int) Le.U32.get(u, o + USED_ELEM_ID);
      if (id < 0 || id >= size || inFlightChains[id] == 0) {
        fail(RingError.USED_ID_INVALID);
        break;
      }
      final int c = inFlightChains[id];
      // release(id), with the list in locals
      if (free == 0) {
        freeHead = id;
      } else if (links[tail] != id) {
        // skipped when equal: chains used in the order they were added link the same way every
        // lap, and a store the driver need not make is one fewer queued behind its payloads'
        links[tail] = id;
      }
      tail = c >>> 16;
      free += c & RingIndex.MASK;
      inFlightChains[id] = 0;
      report(ids, lens, n, id, u, o);
      last = RingIndex.add(last, 1);
      n++;
    }
    lastUsed = last;
    numFree = free;
    freeTail = tail;
    inFlight -= n;
    return n;
  }

  /**
   * The used elements a burst may take: those visible past {@link #lastUsed}, at most {@code max}.
   * The used index is read (acquire, {@link #usedAfter}) only if the cached one is used up.
   *
   * @return 0 if none are, or if the index jumped (the queue then stops)
   */
  private int visibleUsed(final int max) {
    final int last = lastUsed;
    if (last == cachedUsed && !usedAfter(last)) {
      return 0;
    }
    return Math.min(max, RingIndex.distance(cachedUsed, last));
  }

  /** Puts the used element at {@code o} into a burst's arrays at {@code n} (either array may be null). */
  private static void report(
      final int[] ids, final int[] lens, final int n, final int id, final ByteBuffer u, final int o) {
    if (ids != null) {
      ids[n] = id;
    }
    if (lens != null) {
      lens[n] = (int) Le.U32.get(u, o + USED_ELEM_LEN);
    }
  }

  /**
   * IN_ORDER burst: while each element names the oldest chain in flight, the chains come back with
   * nothing stored but the counters once a burst (and each id and length into the caller's arrays).
   * From the first element that stands for a batch (it names a later chain) or names no chain, the
   * rest of the call goes through {@link #pollUsed()} one at a time, those naming the oldest chain
   * included; the next call starts in this loop again once the batch is handed back.
   */
  private int pollUsedInOrder(final int[] ids, final int[] lens, final int max) {
    int n = 0;
    if (skipUntil < 0) {
      final int k = visibleUsed(max);
      if (k == 0) {
        return 0;
      }
      int last = lastUsed;
      final ByteBuffer u = used;
      final int base = usedOff + USED_RING;
      final int[] inFlightChains = chains;
      final int next = descNext;
      int done = descDone;
      while (n < k) {
        final int o = base + USED_ELEM_SIZE * (last & mask);
        final int id = (int) Le.U32.get(u, o + USED_ELEM_ID);
        if (id != (done & mask) || done == next) {
          break; // a batch's element, or one that names no chain in flight
        }
        done += inFlightChains[id] & RingIndex.MASK;
        report(ids, lens, n, id, u, o);
        last = RingIndex.add(last, 1);
        n++;
      }
      lastUsed = last;
      descDone = done;
      chainsDone = RingIndex.add(chainsDone, n);
      if (n == k) {
        return n;
      }
    }
    long e;
    while (n < max && (e = pollUsed()) != EMPTY) {
      if (ids != null) {
        ids[n] = DriverQueue.usedId(e);
      }
      if (lens != null) {
        lens[n] = DriverQueue.usedLength(e);
      }
      n++;
    }
    return n;
  }

  /**
   * Reads the used index once the cached one is used up.
   *
   * @param last the next used index to take
   * @return true if elements are used past {@code last} ({@code cachedUsed} updated); false if none
   *     are, if the queue has stopped, or if the index jumped (the queue then stops)
   */
  private boolean usedAfter(final int last) {
    if (error != RingError.NONE) {
      return false;
    }
    // acquire: pairs with the device's release store of used.idx, so the used elements it covers
    // are visible after it (virtio 1.2 §2.7.14)
    final int idx = (short) Le.U16.getAcquire(used, usedOff + USED_IDX) & RingIndex.MASK;
    if (idx == last) {
      return false;
    }
    if (RingIndex.distance(idx, last) > inFlight()) {
      fail(RingError.USED_INDEX_JUMP);
      return false;
    }
    cachedUsed = idx;
    return true;
  }

  /** IN_ORDER: whether {@code id} is the head of a chain in flight (walked from the oldest). */
  private boolean headInFlight(int id) {
    int d = descDone;
    for (int k = inFlight(); k > 0; k--) {
      final int head = d & mask;
      if (head == id) {
        return true;
      }
      d += chains[head] & RingIndex.MASK;
    }
    return false;
  }

  private long nextSkipped() {
    final int head = descDone & mask;
    releaseInOrder();
    if (head == skipUntil) {
      skipUntil = -1;
      return DriverQueue.used(head, skipLen);
    }
    return DriverQueue.used(head, 0);
  }

  private void release(final int head) {
    if (numFree == 0) {
      freeHead = head;
    } else {
      nextFree[freeTail] = head;
    }
    final int c = chains[head];
    freeTail = c >>> 16;
    numFree += c & RingIndex.MASK;
    chains[head] = 0;
    inFlight--;
  }

  /** IN_ORDER: the oldest chain in flight comes back; its word stays, as the next lap writes the same. */
  private void releaseInOrder() {
    descDone += chains[descDone & mask] & RingIndex.MASK;
    chainsDone = RingIndex.add(chainsDone, 1);
  }

  private long fail(RingError e) {
    if (error == RingError.NONE) {
      error = e;
    }
    return EMPTY;
  }

  @Override
  public boolean enableInterrupts() {
    if (eventIdx) {
      // release: asks for an interrupt once used.idx passes lastUsed; the device reads it after
      // its fence in needsNotify() (virtio 1.2 §2.7.7)
      Le.U16.setRelease(avail, availOff + usedEventOffset, (short) lastUsed);
    } else {
      // release: clears NO_INTERRUPT; the device reads it after its fence in needsNotify() (§2.7.7)
      Le.U16.setRelease(avail, availOff + AVAIL_FLAGS, (short) 0);
    }
    // full fence: the store above must be visible before used.idx is re-read, or an element used
    // meanwhile would wait for an interrupt that never comes; pairs with the device's fence (§2.7.7)
    VarHandle.fullFence();
    // acquire: pairs with the device's release store of used.idx in publish() (§2.7.14)
    return ((short) Le.U16.getAcquire(used, usedOff + USED_IDX) & RingIndex.MASK) != lastUsed;
  }

  @Override
  public void disableInterrupts() {
    if (!eventIdx) {
      // opaque: a hint with nothing to publish (§2.7.7); with EVENT_IDX used_event simply stays behind
      Le.U16.setOpaque(avail, availOff + AVAIL_FLAGS, (short) AVAIL_F_NO_INTERRUPT);
    }
  }

  @Override
  public RingError error() {
    return error;
  }

  /** Chains made available and not yet used (what a used element may still name). */
  public int inFlight() {
    return inOrder ? RingIndex.distance(availIdx, chainsDone) : inFlight;
  }

  /** The next available index (0 to 65535) the driver will write, published or not. */
  public int availIdx() {
    return availIdx;
  }
}
