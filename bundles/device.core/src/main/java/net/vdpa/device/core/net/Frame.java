package net.vdpa.device.core.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.vdpa.ring.DescriptorChain;

/**
 * One Ethernet frame in flight, as a list of memory segments that are not copied: the readable
 * segments of a transmit chain past its virtio-net header, or one slot of a {@link FrameQueue}.
 * A read cursor lets the frame be poured into several receive chains in turn.
 *
 * <p>Reused for every frame (no allocation once the segment arrays are large enough). Owned by
 * one worker thread.
 */
public final class Frame {
  private ByteBuffer[] buffers = new ByteBuffer[8];
  private int[] offsets = new int[8];
  private int[] lengths = new int[8];
  private int count;
  private int length;
  private int curSegment;
  private int curOffset;
  /** The receive hash a steering decision computed ({@link RxHash} result), {@link RxHash#NONE} until then. */
  private long hash;

  /** Empties the frame. */
  public void clear() {
    count = 0;
    length = 0;
    hash = RxHash.NONE;
    rewind();
  }

  /**
   * Appends a segment.
   *
   * @param buffer the memory, used with absolute indices
   * @param offset where the segment starts
   * @param len its length, at least 1
   */
  public void add(ByteBuffer buffer, int offset, int len) {
    if (count == buffers.length) {
      grow();
    }
    if (buffers[count] != buffer) {
      // a reference store runs the GC's write barrier, whose fence waits for every store before it
      // (those to rings the driver shares too) to leave the core; frames mostly reuse the same views
      buffers[count] = buffer;
    }
    offsets[count] = offset;
    lengths[count] = len;
    count++;
    length += len;
  }

  /**
   * Makes the frame the readable bytes of a chain after {@code skip} header bytes.
   *
   * @param chain a popped transmit chain
   * @param skip bytes to skip (the virtio-net header)
   */
  public void ofChain(DescriptorChain chain, int skip) {
    clear();
    int toSkip = skip;
    final int n = chain.readableSegments();
    for (int s = 0; s < n; s++) {
      int len = chain.length(s);
      if (toSkip >= len) {
        toSkip -= len;
        continue;
      }
      add(chain.buffer(s), chain.offset(s) + toSkip, len - toSkip);
      toSkip = 0;
    }
  }

  /**
   * The hash the receiving device's steering computed, carried with the frame to the receive queue
   * so that RSS and HASH_REPORT hash each frame once; a {@link FrameQueue} keeps it with the copy.
   *
   * @return an {@link RxHash} result, {@link RxHash#NONE} if none was computed
   */
  public long hash() {
    return hash;
  }

  /**
   * Sets the receive hash ({@link RxHash} result); {@link #clear()} sets it back to none.
   *
   * @param hash the result
   */
  public void setHash(long hash) {
    this.hash = hash;
  }

  /**
   * The frame's length.
   *
   * @return bytes
   */
  public int length() {
    return length;
  }

  /**
   * The 48-bit big-endian value at a frame offset: the destination MAC at 0, the source at 6.
   *
   * @param at the frame offset; {@code at + 6 <= length()}
   * @return the address
   */
  public long mac(int at) {
    if (count > 0 && lengths[0] >= at + 8) {
      // one 8-byte read (the frame holds 2 more bytes after the address): fewer bounds checks
      // than six single-byte reads on the path every received and switched frame takes
      final ByteBuffer b = buffers[0];
      final long v = b.getLong(offsets[0] + at);
      return (b.order() == ByteOrder.LITTLE_ENDIAN ? Long.reverseBytes(v) : v) >>> 16;
    }
    if (count > 0 && lengths[0] >= at + 6) {
      final ByteBuffer b = buffers[0];
      final int o = offsets[0] + at;
      // big-endian by hand: segment buffers are little-endian views
      return ((b.get(o) & 0xffL) << 40) | ((b.get(o + 1) & 0xffL) << 32) | ((b.get(o + 2) & 0xffL) << 24)
          | ((b.get(o + 3) & 0xffL) << 16) | ((b.get(o + 4) & 0xffL) << 8) | (b.get(o + 5) & 0xffL);
    }
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = (v << 8) | (byteAt(at + i) & 0xffL);
    }
    return v;
  }

  /**
   * The VLAN of an 802.1Q-tagged frame.
   *
   * @return the VID (0..4095), or -1 if the frame has no tag
   */
  public int vid() {
    if (length < 18 || (byteAt(12) & 0xff) != 0x81 || byteAt(13) != 0) {
      return -1;
    }
    return ((byteAt(14) & 0x0f) << 8) | (byteAt(15) & 0xff);
  }

  /**
   * One byte of the frame, unsigned; 0 past its end (the caller checks {@link #length()} when that matters).
   *
   * @param at the byte's offset from the frame's start
   * @return the byte, 0 to 255
   */
  public int u8(int at) {
    return byteAt(at) & 0xff;
  }

  private int byteAt(int at) {
    int pos = at;
    for (int s = 0; s < count; s++) {
      if (pos < lengths[s]) {
        return buffers[s].get(offsets[s] + pos);
      }
      pos -= lengths[s];
    }
    return 0;
  }

  /** Moves the read cursor back to the first byte. */
  public void rewind() {
    curSegment = 0;
    curOffset = 0;
  }

  /**
   * Copies the next bytes at the cursor into {@code dst} and advances the cursor.
   *
   * @param dst the destination, absolute indices
   * @param dstIndex where to write
   * @param max at most this many bytes
   * @return bytes copied (less than {@code max} only at the end of the frame)
   */
  public int read(final ByteBuffer dst, final int dstIndex, final int max) {
    int done = 0;
    while (done < max && curSegment < count) {
      final int s = curSegment;
      final int c = Math.min(lengths[s] - curOffset, max - done);
      dst.put(dstIndex + done, buffers[s], offsets[s] + curOffset, c);
      done += c;
      curOffset += c;
      if (curOffset == lengths[s]) {
        curSegment = s + 1;
        curOffset = 0;
      }
    }
    return done;
  }

  /**
   * Copies the next bytes at the cursor into the writable segments of a chain, starting
   * {@code chainOffset} bytes into them.
   *
   * @param chain a popped receive chain
   * @param chainOffset where to start in the chain's writable bytes
   * @param max at most this many bytes
   * @return bytes written into the chain
   */
  public int readInto(final DescriptorChain chain, final int chainOffset, final int max) {
    int done = 0;
    int skip = chainOffset;
    final int n = chain.segments();
    for (int s = chain.readableSegments(); s < n && done < max; s++) {
      final int len = chain.length(s);
      if (skip >= len) {
        skip -= len;
        continue;
      }
      final int c = read(chain.buffer(s), chain.offset(s) + skip, Math.min(len - skip, max - done));
      if (c == 0) {
        break;
      }
      done += c;
      skip = 0;
    }
    return done;
  }

  private void grow() {
    int c = buffers.length * 2;
    buffers = Arrays.copyOf(buffers, c);
    offsets = Arrays.copyOf(offsets, c);
    lengths = Arrays.copyOf(lengths, c);
  }
}
