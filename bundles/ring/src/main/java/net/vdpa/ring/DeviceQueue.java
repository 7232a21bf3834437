package net.vdpa.ring;

/**
 * The device side of a virtqueue: takes available chains, hands back used ones. Implemented by
 * {@link net.vdpa.ring.split.SplitDevice} and {@link net.vdpa.ring.packed.PackedDevice}.
 *
 * <p>Every ring access goes through the device's {@link net.vdpa.ring.mem.Iotlb}, ring areas
 * included. The device side trusts nothing the driver wrote: an invalid ring makes {@link #pop}
 * return false, sets {@link #error()} to the reason, counts it, and stops the queue until
 * {@link #reset()}; the device should then set DEVICE_NEEDS_RESET. No input makes it throw, loop or
 * touch memory outside the IOTLB.
 *
 * <p>Device side: one thread.
 */
public interface DeviceQueue {
  /**
   * The queue size.
   *
   * @return descriptors in the ring
   */
  int size();

  /**
   * Takes the next available chain, validating and translating all of it.
   *
   * @param chain refilled with the chain's id and segments
   * @return true if a chain was popped; false if none is available or the queue is broken (see
   *     {@link #error()})
   */
  boolean pop(DescriptorChain chain);

  /**
   * Takes up to {@link ChainBatch#capacity()} available chains of one descriptor each, and stops
   * after the first chain that is not one (kept in {@link ChainBatch#rest()}), or when none is
   * available or the queue breaks. Each chain is validated and translated exactly as {@link #pop}
   * does; an invalid one stops the queue as there, and the chains taken before it stay in the batch.
   *
   * <p>This default pops one chain at a time; the split and packed queues check their state once
   * per batch.
   *
   * @param batch emptied, then filled
   * @return chains taken: {@link ChainBatch#count()}, plus one if {@link ChainBatch#hasRest()}
   */
  default int popBatch(ChainBatch batch) {
    batch.clear();
    final DescriptorChain c = batch.rest();
    final int max = batch.capacity();
    int n = 0;
    while (n < max && pop(c)) {
      if (c.descriptorCount() == 1 && c.segments() == 1) {
        batch.set(n++, c.id(), c.buffer(0), c.offset(0), c.length(0), c.writable(0));
      } else {
        batch.setCount(n);
        batch.keepRest();
        return n + 1;
      }
    }
    batch.setCount(n);
    return n;
  }

  /**
   * Returns the single-descriptor chains of a batch as used, in batch order, all with one length
   * (what a transmit queue does: 0). The rest chain, if any, is pushed on its own with {@link
   * #push}, after these.
   *
   * @param batch a batch {@link #popBatch} filled
   * @param len the used length of every chain
   * @return {@link RingError#NONE}, or the first refusal as {@link #push} gives it (the chains
   *     before it are pushed, none after it)
   */
  default RingError pushBatch(ChainBatch batch, int len) {
    final int n = batch.count();
    for (int i = 0; i < n; i++) {
      final RingError e = push(batch.id(i), len);
      if (e != RingError.NONE) {
        return e;
      }
    }
    return RingError.NONE;
  }

  /**
   * Returns a chain as used. Becomes visible to the driver at the next {@link #publish()}.
   *
   * @param id the popped chain's {@link DescriptorChain#id()}
   * @param len bytes written into the chain's writable buffers (unsigned 32-bit)
   * @return {@link RingError#NONE}; {@link RingError#USED_ID_INVALID} if {@code id} is not in
   *     flight or {@link RingError#OUT_OF_ORDER} if IN_ORDER was negotiated and {@code id} is not the
   *     oldest in flight (both leave the queue running); the queue's error if it is broken
   */
  RingError push(int id, int len);

  /** Makes every used element pushed since the last publish visible with one release store. */
  void publish();

  /**
   * Whether the driver wants a used-buffer notification for what was published since the last
   * call: NO_INTERRUPT, {@code used_event} (EVENT_IDX), or the packed driver event suppression
   * structure. Issues a full fence first.
   *
   * @return true if the device should interrupt the driver
   */
  boolean needsNotify();

  /**
   * Asks the driver for kicks again (after polling).
   *
   * @return true if chains became available meanwhile (pop again before sleeping)
   */
  boolean enableNotifications();

  /** Asks the driver not to kick (a hint: the device is polling). */
  void disableNotifications();

  /**
   * Sets how far ahead of the chain it pops the queue looks: at each {@link #pop} and each chain
   * of {@link #popBatch} it reads the descriptor that many places further on (available ring
   * entries in a split ring, descriptor slots in a packed one: chains, where each chain is one
   * descriptor), when the driver has already made it available, and the first byte of that
   * descriptor's buffer if the device may read it, so that the cache misses of several chains overlap instead of
   * coming one after another. It pays where the driver writes its buffers on another core and
   * places them apart (a vhost-user frontend's mbufs); where buffers lie back to back the hardware
   * prefetcher does it already and the extra loads cost. What is read ahead is never acted on: a
   * bad descriptor is found, and faults, only when popped. Device side, between pops.
   *
   * <p>This default reads nothing ahead.
   *
   * @param chains chains ahead, 0 (the default: none) to {@link #MAX_READ_AHEAD}
   * @throws IllegalArgumentException naming the value if it is outside that range
   */
  default void readAhead(int chains) {
    checkReadAhead(chains);
  }

  /** The furthest {@link #readAhead} looks. */
  int MAX_READ_AHEAD = 64;

  /**
   * Checks a {@link #readAhead} value.
   *
   * @param chains the value
   * @return it
   * @throws IllegalArgumentException naming it if it is outside 0..{@link #MAX_READ_AHEAD}
   */
  static int checkReadAhead(int chains) {
    if (chains < 0 || chains > MAX_READ_AHEAD) {
      throw new IllegalArgumentException("read-ahead of " + chains + " chains is outside 0.." + MAX_READ_AHEAD);
    }
    return chains;
  }

  /**
   * Why the queue stopped.
   *
   * @return {@link RingError#NONE} while healthy
   */
  RingError error();

  /**
   * Whether the queue met an invalid ring and stopped: the device must set DEVICE_NEEDS_RESET.
   *
   * @return true once broken, until {@link #reset()}
   */
  boolean needsReset();

  /**
   * How many ring errors this queue has met since it was created.
   *
   * @return the error count
   */
  long errorCount();

  /** Forgets all state (indices, in-flight chains, error) as a device reset does. */
  void reset();
}
