package net.vdpa.ring;

import java.nio.ByteBuffer;

/**
 * Chains taken together by {@link DeviceQueue#popBatch}: a run of chains of one descriptor each,
 * every one in one piece of memory (what transmit and receive rings carry almost always), kept in
 * arrays the device reads directly, then at most one other chain (several descriptors, an indirect
 * table, a buffer across mappings, an empty one), which ends the batch and is read as a {@link
 * DescriptorChain} through {@link #rest()}.
 *
 * <p>Why a batch: a device popping one chain at a time fills a {@link DescriptorChain} and reads it
 * back for every buffer, and checks the queue's state once per chain. On two cores, where the
 * device waits on the lines the driver's core writes, that work per chain sets the ring's speed
 * (see {@code benchmarks/README.md}); a batch checks the queue once and keeps only id, buffer,
 * offset and length per chain. Every chain is validated and translated exactly as {@link
 * DeviceQueue#pop} does.
 *
 * <p>Use: {@link DeviceQueue#popBatch}, then handle chains {@code 0 .. count() - 1} and, if {@link
 * #hasRest()}, the rest chain, in that order (it is the ring's order); return them with {@link
 * DeviceQueue#pushBatch} and {@link DeviceQueue#push}. Reused from batch to batch; allocation-free.
 * Device side: one thread.
 */
public final class ChainBatch {
  private final int[] ids;
  private final ByteBuffer[] buffers;
  private final int[] offsets;
  private final int[] lengths;
  private final boolean[] writable;
  private final DescriptorChain rest;
  private int count;
  private boolean hasRest;

  /**
   * Creates a batch.
   *
   * @param capacity the most single-descriptor chains a batch holds (32 is a device's usual burst)
   * @throws IllegalArgumentException if capacity is below 1
   */
  public ChainBatch(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("chain batch capacity " + capacity + " is below 1");
    }
    ids = new int[capacity];
    buffers = new ByteBuffer[capacity];
    offsets = new int[capacity];
    lengths = new int[capacity];
    writable = new boolean[capacity];
    rest = new DescriptorChain(16);
  }

  /**
   * The most single-descriptor chains a batch holds.
   *
   * @return the capacity
   */
  public int capacity() {
    return ids.length;
  }

  /**
   * How many single-descriptor chains the last {@link DeviceQueue#popBatch} took.
   *
   * @return 0 to {@link #capacity()}
   */
  public int count() {
    return count;
  }

  /**
   * A chain's id, to push it back (or use {@link DeviceQueue#pushBatch}).
   *
   * @param i 0 to {@link #count()} - 1
   * @return the id
   */
  public int id(int i) {
    return ids[i];
  }

  /**
   * The buffer holding a chain's bytes; use absolute indices only.
   *
   * @param i the chain
   * @return a little-endian view (read-only for a device-readable chain)
   */
  public ByteBuffer buffer(int i) {
    return buffers[i];
  }

  /**
   * Where a chain's bytes start in its {@link #buffer}.
   *
   * @param i the chain
   * @return an absolute index
   */
  public int offset(int i) {
    return offsets[i];
  }

  /**
   * A chain's length.
   *
   * @param i the chain
   * @return bytes, at least 1
   */
  public int length(int i) {
    return lengths[i];
  }

  /**
   * Whether the device may write a chain's buffer (a receive buffer) rather than read it.
   *
   * @param i the chain
   * @return true for a device-writable chain
   */
  public boolean writable(int i) {
    return writable[i];
  }

  /**
   * Copies a device-readable chain's bytes out.
   *
   * @param i the chain
   * @param dst the destination, used with absolute indices
   * @param dstIndex where to start writing
   * @param max at most this many bytes
   * @return bytes copied (0 for a device-writable chain)
   */
  public int readTo(final int i, final ByteBuffer dst, final int dstIndex, final int max) {
    if (writable[i]) {
      return 0;
    }
    final int c = Math.min(lengths[i], max);
    dst.put(dstIndex, buffers[i], offsets[i], c);
    return c;
  }

  /**
   * Whether the batch ended with a chain that is not a single descriptor in one piece.
   *
   * @return true if {@link #rest()} holds it
   */
  public boolean hasRest() {
    return hasRest;
  }

  /**
   * The chain after the singles when {@link #hasRest()}; handle and push it after them.
   *
   * @return the chain (its contents are meaningful only when {@link #hasRest()})
   */
  public DescriptorChain rest() {
    return rest;
  }

  /** Empties the batch before a queue fills it (queue implementations only). */
  public void clear() {
    count = 0;
    hasRest = false;
  }

  /**
   * Sets the single-descriptor chain at an index (queue implementations only; the caller has
   * validated and translated it, fills indices from 0 up, and ends with {@link #setCount}).
   *
   * @param i the index, below {@link #capacity()}
   * @param id the chain's id
   * @param buffer the translated buffer
   * @param offset where the chain starts in it
   * @param length its length, at least 1
   * @param deviceWritable whether the device may write it
   */
  public void set(final int i, final int id, final ByteBuffer buffer, final int offset, final int length,
      final boolean deviceWritable) {
    ids[i] = id;
    if (buffers[i] != buffer) {
      // steady state reuses the same views: skipping the store skips the GC write barrier
      buffers[i] = buffer;
    }
    offsets[i] = offset;
    lengths[i] = length;
    if (writable[i] != deviceWritable) {
      writable[i] = deviceWritable;
    }
  }

  /**
   * Sets how many single-descriptor chains the batch holds (queue implementations only).
   *
   * @param n chains set with {@link #set}
   */
  public void setCount(final int n) {
    count = n;
  }

  /** Marks {@link #rest()} as holding the chain that ended the batch (queue implementations only). */
  public void keepRest() {
    hasRest = true;
  }
}
