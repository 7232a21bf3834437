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
