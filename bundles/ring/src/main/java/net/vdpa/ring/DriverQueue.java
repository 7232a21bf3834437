package net.vdpa.ring;

import java.util.StringJoiner;

/**
 * The driver side of a virtqueue: makes buffers available to the device and takes them back used.
 * Implemented by {@link net.vdpa.ring.split.SplitDriver} and {@link net.vdpa.ring.packed.PackedDriver}.
 *
 * <p>Buffers are guest addresses (IOVAs) the driver owns; the queue writes descriptors, never the
 * buffers. Adding is cheap and private to the driver; {@link #publish()} makes everything added since
 * the last publish visible to the device with one release store (batching); {@link #needsKick()}
 * then says whether the device asked to be notified. Full and empty are return values.
 *
 * <p>Driver side: one thread.
 */
public interface DriverQueue {
  /** Returned by the {@code add} methods when the ring has too few free descriptors or ids. */
  int FULL = -1;
  /** Returned by {@link #pollUsed()} when no used buffer is waiting (or the queue is broken). */
  long EMPTY = -1L;

  /**
   * The queue size.
   *
   * @return descriptors in the ring
   */
  int size();

  /**
   * How many more descriptors can be added now.
   *
   * @return free descriptors
   */
  int freeDescriptors();

  /**
   * Adds one buffer as a chain of one descriptor.
   *
   * @param addr the buffer's IOVA
   * @param len its length
   * @param deviceWritable true if the device writes it (receive), false if it reads it (send)
   * @return the chain's id (pushed back by the device when used), or {@link #FULL}
   */
  int add(long addr, int len, boolean deviceWritable);

  /**
   * The id the next {@link #add(long, int, boolean)} would return, so that a driver that keeps a
   * buffer per id can add the same buffer under the same id again: the descriptor then holds the
   * same bytes, which the queue does not store again, and the line stays in the device's cache.
   *
   * @return the id, or {@link #FULL} if the next add would fail (or the queue cannot tell)
   */
  default int nextId() {
    return FULL;
  }

  /**
   * Adds a chain: {@code readable} device-readable buffers followed by {@code writable}
   * device-writable ones, each taking one ring descriptor.
   *
   * @param addrs buffer IOVAs, readable ones first
   * @param lens buffer lengths
   * @param readable how many readable buffers
   * @param writable how many writable buffers
   * @return the chain's id, or {@link #FULL}
   * @throws IllegalArgumentException if the chain is empty or longer than the queue size
   */
  int add(long[] addrs, int[] lens, int readable, int writable);

  /**
   * Adds a chain as one ring descriptor pointing to an indirect table that the queue writes at
   * {@code tableAddr} (16 bytes per buffer), which must stay untouched until the chain is used.
   *
   * @param tableAddr IOVA of the indirect table, 16-byte aligned, in the driver's memory
   * @param addrs buffer IOVAs, readable ones first
   * @param lens buffer lengths
   * @param readable how many readable buffers
   * @param writable how many writable buffers
   * @return the chain's id, or {@link #FULL}
   * @throws IllegalArgumentException if the chain is empty, longer than the queue size, or the
   *     table is not mapped writable in the driver's memory
   */
  int addIndirect(long tableAddr, long[] addrs, int[] lens, int readable, int writable);

  /** Makes every chain added since the last publish visible to the device (one release store). */
  void publish();

  /**
   * Whether the device wants a notification for what was published since the last call: the
   * NO_NOTIFY flag, or with EVENT_IDX the device's {@code avail_event}. Issues a full fence first.
   *
   * @return true if the driver should kick the device
   */
  boolean needsKick();

  /**
   * Takes one used buffer back.
   *
   * @return {@link #EMPTY}, or the chain id and the length the device wrote packed into a long:
   *     decode with {@link #usedId(long)} and {@link #usedLength(long)}
   */
  long pollUsed();

  /**
   * Takes back up to {@code max} used buffers in one call, as {@link #pollUsed()} does one at a
   * time (same order, same checks, the queue stops on the same invalid element): for a driver that
   * reclaims in bursts, as a transmit queue frees its buffers below a threshold (DPDK's
   * {@code tx_free_thresh}). The split queue reads the used index at most once per call; split and
   * packed keep their positions and free lists in locals for the burst; this default calls {@link
   * #pollUsed()}.
   *
   * @param ids receives the chain ids from index 0; null if not needed (a driver that keeps a
   *     buffer per id and reuses it through {@link #nextId()} needs only the count)
   * @param lens receives the lengths the device wrote, index for index; null if not needed
   * @param max at most this many, at most {@code ids.length} and {@code lens.length} where given
   * @return how many were taken: 0 if none are used (or the queue stopped); fewer than {@code max}
   *     does not mean none are left (call again until 0 to drain)
   * @throws IllegalArgumentException if {@code max} is negative or does not fit the arrays
   */
  default int pollUsed(int[] ids, int[] lens, int max) {
    checkBurst(ids, lens, max);
    int n = 0;
    long used;
    while (n < max && (used = pollUsed()) != EMPTY) {
      if (ids != null) {
        ids[n] = usedId(used);
      }
      if (lens != null) {
        lens[n] = usedLength(used);
      }
      n++;
    }
    return n;
  }

  /**
   * Checks the arguments of {@link #pollUsed(int[], int[], int)}.
   *
   * @param ids the ids array, or null
   * @param lens the lengths array, or null
   * @param max the burst
   * @throws IllegalArgumentException if {@code max} is negative or does not fit the arrays
   */
  static void checkBurst(int[] ids, int[] lens, int max) {
    if (max < 0 || (ids != null && max > ids.length) || (lens != null && max > lens.length)) {
      StringJoiner sizes = new StringJoiner(" and ", " does not fit arrays of ", " elements");
      sizes.setEmptyValue(" is negative");
      if (ids != null) {
        sizes.add(Integer.toString(ids.length));
      }
      if (lens != null) {
        sizes.add(Integer.toString(lens.length));
      }
      throw new IllegalArgumentException("used burst of " + max + sizes);
    }
  }

  /**
   * Asks the device for used-buffer notifications again.
   *
   * @return true if used buffers arrived meanwhile (poll again before sleeping)
   */
  boolean enableInterrupts();

  /** Asks the device not to send used-buffer notifications (a hint, as in the spec). */
  void disableInterrupts();

  /**
   * Why the queue stopped, if it did (the device wrote something invalid).
   *
   * @return {@link RingError#NONE} while healthy
   */
  RingError error();

  /**
   * The chain id of a {@link #pollUsed()} result.
   *
   * @param used a result other than {@link #EMPTY}
   * @return the id
   */
  static int usedId(long used) {
    return (int) (used >>> 32);
  }

  /**
   * The used length of a {@link #pollUsed()} result.
   *
   * @param used a result other than {@link #EMPTY}
   * @return bytes the device wrote, as an unsigned 32-bit value in an int
   */
  static int usedLength(long used) {
    return (int) used;
  }

  /**
   * Packs a used element as {@link #pollUsed()} returns it.
   *
   * @param id the chain id
   * @param len the used length
   * @return the packed value
   */
  static long used(int id, int len) {
    return ((long) id << 32) | (len & 0xFFFF_FFFFL);
  }
}
