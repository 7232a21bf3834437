package net.vdpa.device.simblk;

import java.io.IOException;
import net.vdpa.ring.DescriptorChain;

/**
 * Moves bytes between a request's descriptor chain and the disk: the readable part (header, then
 * the data of a write or the segments of a discard) and the writable part (the data of a read, then
 * the status byte). Segment boundaries may fall anywhere, the header's too. Allocates nothing.
 */
final class ChainIo {
  private ChainIo() {}

  /** The byte at {@code pos} of the readable part (the caller checked {@code pos} is inside it). */
  static int readableByte(DescriptorChain c, long pos) {
    long at = pos;
    for (int s = 0; s < c.readableSegments(); s++) {
      int len = c.length(s);
      if (at < len) {
        return c.buffer(s).get(c.offset(s) + (int) at) & 0xff;
      }
      at -= len;
    }
    throw new IndexOutOfBoundsException("readable byte " + pos + " of " + c.readableBytes());
  }

  /** A little-endian value of {@code bytes} bytes at {@code pos} of the readable part. */
  static long readableLe(DescriptorChain c, long pos, int bytes) {
    if (c.readableSegments() > 0 && pos + bytes <= c.length(0) && (bytes == 4 || bytes == 8)) {
      // the usual case, the header in the first segment: one read from the little-endian view
      java.nio.ByteBuffer b = c.buffer(0);
      int at = c.offset(0) + (int) pos;
      return bytes == 8 ? b.getLong(at) : b.getInt(at) & 0xffff_ffffL;
    }
    long v = 0;
    for (int i = bytes - 1; i >= 0; i--) {
      v = (v << 8) | readableByte(c, pos + i);
    }
    return v;
  }

  /** Copies {@code len} readable bytes from {@code from} onto the disk at {@code diskOff}. */
  static void readableToDisk(DescriptorChain c, long from, long len, Disk.Io disk, long diskOff) throws IOException {
    long skip = from;
    long left = len;
    long d = diskOff;
    for (int s = 0; s < c.readableSegments() && left > 0; s++) {
      int segLen = c.length(s);
      if (skip >= segLen) {
        skip -= segLen;
        continue;
      }
      int n = (int) Math.min(segLen - skip, left);
      disk.write(d, c.buffer(s), c.offset(s) + (int) skip, n);
      skip = 0;
      left -= n;
      d += n;
    }
  }

  /** Copies {@code len} disk bytes from {@code diskOff} into the start of the writable part. */
  static void diskToWritable(DescriptorChain c, Disk.Io disk, long diskOff, long len) throws IOException {
    long left = len;
    long d = diskOff;
    for (int s = c.readableSegments(); s < c.segments() && left > 0; s++) {
      int n = (int) Math.min(c.length(s), left);
      disk.read(d, c.buffer(s), c.offset(s), n);
      left -= n;
      d += n;
    }
  }

  /** Writes one byte at {@code pos} of the writable part (the caller checked it is inside). */
  static void writableByte(DescriptorChain c, long pos, int value) {
    long at = pos;
    for (int s = c.readableSegments(); s < c.segments(); s++) {
      int len = c.length(s);
      if (at < len) {
        c.buffer(s).put(c.offset(s) + (int) at, (byte) value);
        return;
      }
      at -= len;
    }
    throw new IndexOutOfBoundsException("writable byte " + pos + " of " + c.writableBytes());
  }
}
