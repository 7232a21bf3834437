package net.vdpa.driver.virtionet;

/**
 * The copy area of one transmit queue: a contiguous block of driver memory that frames are copied
 * into back to back, each block starting on a cache line, and given back in the order it was taken.
 * A stream of small frames therefore lies on consecutive cache lines, which the device reads far
 * better than one maximum-size slot per frame (its hardware prefetcher follows the stream). A device
 * that completes buffers out of order only delays reuse: space returns when the oldest block is done.
 *
 * <p>Not thread-safe: the transmit queue's lock guards it.
 */
final class TxArea {
  /** Blocks start on a cache line, so a frame never shares its first line with the previous one. */
  static final int ALIGN = 64;

  private final int capacity;
  private final int blocks;
  /** FIFO of blocks in flight, by order taken: bytes each one holds (waste at a wrap included). */
  private final int[] blockBytes;
  private final boolean[] done;
  private int first;
  private int count;
  /** Where the next block starts. */
  private int next;
  private int usedBytes;

  /**
   * An area of {@code capacity} bytes for at most {@code blocks} frames in flight.
   *
   * @param capacity bytes, a multiple of {@link #ALIGN}
   * @param blocks the most blocks in flight (the queue size)
   */
  TxArea(int capacity, int blocks) {
    if (capacity % ALIGN != 0 || blocks < 1) {
      throw new IllegalArgumentException("area of " + capacity + " bytes for " + blocks + " blocks");
    }
    this.capacity = capacity;
    this.blocks = blocks;
    this.blockBytes = new int[blocks];
    this.done = new boolean[blocks];
  }

  /** Bytes an area for {@code blocks} frames of up to {@code maxBytes} needs (may exceed an int). */
  static long capacityFor(int blocks, int maxBytes) {
    return (long) blocks * align(maxBytes);
  }

  static int align(int bytes) {
    return (bytes + ALIGN - 1) & -ALIGN;
  }

  /**
   * Takes a block.
   *
   * @param bytes what it must hold
   * @return its offset in the area, or -1 if there is no room until older blocks are done
   */
  int take(final int bytes) {
    final int size = align(bytes);
    if (count == 0) {
      next = 0;
    }
    int start = next;
    int waste = 0;
    if (start + size > capacity) {
      waste = capacity - start;
      start = 0;
    }
    if (count == blocks || usedBytes + waste + size > capacity) {
      return -1;
    }
    final int k = slot(count);
    blockBytes[k] = waste + size;
    done[k] = false;
    count++;
    usedBytes += waste + size;
    next = start + size == capacity ? 0 : start + size;
    return start;
  }

  /**
   * The ticket of the block {@link #take} returned last, to hand back to {@link #giveBack}.
   *
   * @return the ticket
   */
  int lastTicket() {
    return slot(count - 1);
  }

  /**
   * A block is no longer needed; space returns once every older block is also done.
   *
   * @param ticket from {@link #lastTicket} right after the block was taken
   */
  void giveBack(final int ticket) {
    done[ticket] = true;
    while (count > 0 && done[first]) {
      done[first] = false;
      usedBytes -= blockBytes[first];
      first = first + 1 == blocks ? 0 : first + 1;
      count--;
    }
  }

  /** Every block is taken back at once (the device has stopped). */
  void clear() {
    for (int i = 0; i < blocks; i++) {
      done[i] = false;
    }
    first = 0;
    count = 0;
    next = 0;
    usedBytes = 0;
  }

  /**
   * Blocks taken and not yet given back (older blocks that are done included).
   *
   * @return the count
   */
  int inFlight() {
    return count;
  }

  private int slot(int k) {
    final int s = first + k;
    return s >= blocks ? s - blocks : s;
  }
}
