package net.vdpa.ring;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.Translation;

/**
 * One popped descriptor chain as the device sees it: its id (what the device pushes back as used)
 * and its buffers as translated memory segments, device-readable ones first, then device-writable
 * ones. Nothing is copied: each segment is an absolute range of a {@link ByteBuffer} that maps the
 * driver's memory, read-only for readable segments. A descriptor that crosses from one mapping into
 * another gives several segments.
 *
 * <p>A device keeps one chain object per in-flight request and passes it to
 * {@link DeviceQueue#pop}, which refills it; reuse allocates nothing (the segment arrays grow only
 * for chains with more segments than ever before). Device side: one thread.
 *
 * <p>The {@code begin}/{@code append} methods are how the queue implementations fill a chain;
 * devices only read it.
 */
public final class DescriptorChain {
  private static final long MAX_CHAIN_BYTES = 0xFFFF_FFFFL;

  private int id;
  private int descriptorCount;
  private int segments;
  private int readableSegments;
  private long readableBytes;
  private long writableBytes;
  private boolean sawWritable;
  private ByteBuffer[] buffers;
  private int[] offsets;
  private int[] lengths;

  /** Creates an empty chain with room for 64 segments. */
  public DescriptorChain() {
    this(64);
  }

  /**
   * Creates an empty chain.
   *
   * @param capacity segments to make room for up front (the queue size is a good choice)
   */
  public DescriptorChain(int capacity) {
    int c = Math.max(1, capacity);
    buffers = new ByteBuffer[c];
    offsets = new int[c];
    lengths = new int[c];
  }

  /**
   * The chain's id: the head descriptor index of a split ring, the buffer id of a packed ring. Pass
   * it to {@link DeviceQueue#push}.
   *
   * @return the id, below the queue size
   */
  public int id() {
    return id;
  }

  /**
   * How many ring descriptors the chain occupied (an indirect table counts as one).
   *
   * @return the descriptor count
   */
  public int descriptorCount() {
    return descriptorCount;
  }

  /**
   * How many memory segments the chain has.
   *
   * @return the segment count
   */
  public int segments() {
    return segments;
  }

  /**
   * How many of the first segments are device-readable; the rest are device-writable.
   *
   * @return the readable segment count
   */
  public int readableSegments() {
    return readableSegments;
  }

  /**
   * The buffer of a segment; use it with absolute indices only.
   *
   * @param segment 0 to {@link #segments()} - 1
   * @return a little-endian view (read-only for readable segments)
   */
  public ByteBuffer buffer(int segment) {
    return buffers[segment];
  }

  /**
   * Where a segment starts in its buffer.
   *
   * @param segment the segment
   * @return an absolute index
   */
  public int offset(int segment) {
    return offsets[segment];
  }

  /**
   * A segment's length.
   *
   * @param segment the segment
   * @return bytes, at least 1
   */
  public int length(int segment) {
    return lengths[segment];
  }

  /**
   * Whether the device may write a segment.
   *
   * @param segment the segment
   * @return true for device-writable segments
   */
  public boolean writable(int segment) {
    return segment >= readableSegments;
  }

  /**
   * The total length of the device-readable buffers.
   *
   * @return bytes
   */
  public long readableBytes() {
    return readableBytes;
  }

  /**
   * The total length of the device-writable buffers.
   *
   * @return bytes
   */
  public long writableBytes() {
    return writableBytes;
  }

  /**
   * Copies the readable bytes, in order, into {@code dst} (the device receiving a request or packet).
   *
   * @param dst the destination, used with absolute indices
   * @param dstIndex where to start writing in {@code dst}
   * @param max at most this many bytes
   * @return bytes copied
   */
  public int readTo(final ByteBuffer dst, final int dstIndex, final int max) {
    int done = 0;
    final int n = readableSegments;
    for (int s = 0; s < n && done < max; s++) {
      final int c = Math.min(lengths[s], max - done);
      dst.put(dstIndex + done, buffers[s], offsets[s], c);
      done += c;
    }
    return done;
  }

  /**
   * Copies the readable bytes, in order, into an array.
   *
   * @param dst the destination
   * @param dstOffset where to start in {@code dst}
   * @param max at most this many bytes
   * @return bytes copied
   */
  public int readTo(final byte[] dst, final int dstOffset, final int max) {
    int done = 0;
    final int n = readableSegments;
    for (int s = 0; s < n && done < max; s++) {
      final int c = Math.min(lengths[s], max - done);
      buffers[s].get(offsets[s], dst, dstOffset + done, c);
      done += c;
    }
    return done;
  }

  /**
   * Copies bytes into the writable segments, in order (the device answering a request or
   * delivering a packet). The return value is what to push as the used length.
   *
   * @param src the source, used with absolute indices
   * @param srcIndex first byte in {@code src}
   * @param length bytes to copy
   * @return bytes written: {@code length}, or less if the writable buffers are shorter
   */
  public int writeFrom(final ByteBuffer src, final int srcIndex, final int length) {
    int done = 0;
    final int n = segments;
    for (int s = readableSegments; s < n && done < length; s++) {
      final int c = Math.min(lengths[s], length - done);
      buffers[s].put(offsets[s], src, srcIndex + done, c);
      done += c;
    }
    return done;
  }

  /**
   * Copies bytes from an array into the writable segments, in order.
   *
   * @param src the source
   * @param srcOffset first byte in {@code src}
   * @param length bytes to copy
   * @return bytes written
   */
  public int writeFrom(final byte[] src, final int srcOffset, final int length) {
    int done = 0;
    final int n = segments;
    for (int s = readableSegments; s < n && done < length; s++) {
      final int c = Math.min(lengths[s], length - done);
      buffers[s].put(offsets[s], src, srcOffset + done, c);
      done += c;
    }
    return done;
  }

  /**
   * Empties the chain before a queue fills it (queue implementations only).
   *
   * @param chainId the chain's id
   */
  public void begin(final int chainId) {
    id = chainId;
    descriptorCount = 0;
    segments = 0;
    readableSegments = 0;
    readableBytes = 0;
    writableBytes = 0;
    sawWritable = false;
  }

  /**
   * Sets the id once it is known (a packed chain carries it in its last descriptor).
   *
   * @param chainId the id
   * @param descriptors ring descriptors the chain occupied
   */
  public void finish(final int chainId, final int descriptors) {
    id = chainId;
    descriptorCount = descriptors;
  }

  /**
   * Fills the chain with one descriptor that translated to one segment, the common case, in one
   * step (queue implementations only): what {@link #begin}, {@link #append} and {@link #finish}
   * leave for such a descriptor, with no loop. The caller has translated the whole descriptor into
   * this one piece with the descriptor's permission.
   *
   * @param chainId the chain's id
   * @param buffer the translated buffer
   * @param offset where the descriptor starts in it
   * @param length the descriptor's length, at least 1
   * @param writable whether the descriptor is device-writable
   */
  public void single(
      final int chainId, final ByteBuffer buffer, final int offset, final int length, final boolean writable) {
    // Only what differs from the last chain is stored. A device pops one chain after another from a
    // ring the driver writes on another core; every store the device makes waits in the core's
    // store buffer behind its stores to the shared used ring, whose lines the driver keeps taking
    // back, and once the buffer is full the device stops. Chains of one descriptor mostly differ
    // only in id and offset, so two stores instead of ten.
    id = chainId;
    offsets[0] = offset;
    if (descriptorCount != 1) {
      descriptorCount = 1;
    }
    if (segments != 1) {
      segments = 1;
    }
    if (buffers[0] != buffer) {
      buffers[0] = buffer;
    }
    if (lengths[0] != length) {
      lengths[0] = length;
    }
    if (sawWritable != writable) {
      sawWritable = writable;
    }
    final int readable = writable ? 0 : 1;
    final long readBytes = writable ? 0 : length;
    final long writeBytes = writable ? length : 0;
    if (readableSegments != readable) {
      readableSegments = readable;
    }
    if (readableBytes != readBytes) {
      readableBytes = readBytes;
    }
    if (writableBytes != writeBytes) {
      writableBytes = writeBytes;
    }
  }

  /**
   * Translates one descriptor and appends its segments (queue implementations only). Checks, in
   * this order: readable after writable, total length over 2^32 - 1, then the translation of every
   * byte (mapping, wrap, permission).
   *
   * @param iotlb the device's IOTLB
   * @param tr the queue's translation scratch object
   * @param addr the descriptor's address
   * @param len the descriptor's length, 0 to 2^32 - 1
   * @param writable whether the descriptor is device-writable
   * @return {@link RingError#NONE} or why the descriptor is refused
   */
  public RingError append(
      final Iotlb iotlb, final Translation tr, final long addr, final long len, final boolean writable) {
    if (writable) {
      sawWritable = true;
    } else if (sawWritable) {
      return RingError.READABLE_AFTER_WRITABLE;
    }
    if (readableBytes + writableBytes + len > MAX_CHAIN_BYTES) {
      return RingError.CHAIN_LENGTH_OVERFLOW;
    }
    long at = addr;
    long left = len;
    while (left > 0) {
      final RingError e = iotlb.translate(at, left, writable, tr);
      if (e != RingError.NONE) {
        return e;
      }
      if (segments == buffers.length) {
        grow();
      }
      final int s = segments;
      final ByteBuffer b = tr.buffer();
      if (buffers[s] != b) {
        // steady state reuses the same views: skipping the store skips the GC write barrier
        buffers[s] = b;
      }
      offsets[s] = tr.offset();
      lengths[s] = tr.length();
      segments = s + 1;
      at += tr.length();
      left -= tr.length();
    }
    if (writable) {
      writableBytes += len;
    } else {
      readableBytes += len;
      readableSegments = segments;
    }
    return RingError.NONE;
  }

  private void grow() {
    final int c = buffers.length * 2;
    buffers = Arrays.copyOf(buffers, c);
    offsets = Arrays.copyOf(offsets, c);
    lengths = Arrays.copyOf(lengths, c);
  }

  @Override
  public String toString() {
    return "DescriptorChain[id " + id + ", " + segments + " segments, " + readableBytes
        + " readable, " + writableBytes + " writable bytes]";
  }
}
