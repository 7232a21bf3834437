package net.vdpa.device.simnet;

import java.nio.ByteBuffer;

/**
 * The framing of QEMU's stream backends ({@code net/stream.c}, {@code net/socket.c}): each frame is
 * preceded by its length, 4 bytes big-endian, not counting the prefix. A pure decoder over a
 * buffer of received bytes, so every bad input is tested without a socket.
 */
final class StreamFrames {
  /** Bytes of the length prefix. */
  static final int PREFIX = 4;
  /** The largest length a prefix may carry; more means the stream is not QEMU's framing. */
  static final int MAX_LENGTH = 65535;
  /** {@link #decode}'s answer when a prefix is 0 or above {@link #MAX_LENGTH}. */
  static final int BAD_LENGTH = -1;

  /** Where decoded frames go. */
  interface Sink {
    /**
     * One whole frame (its length not checked against the port: the sink does).
     *
     * @param buf the buffer, absolute indices
     * @param off where the frame starts
     * @param len its length, 1..65535
     */
    void frame(ByteBuffer buf, int off, int len);
  }

  private StreamFrames() {}

  /**
   * Hands every whole frame in {@code buf[0, end)} to the sink.
   *
   * @param buf received bytes from index 0, absolute indices, big-endian prefixes
   * @param end how many bytes were received
   * @param sink where frames go
   * @return how many bytes were consumed (the rest is the start of a frame still arriving), or
   *     {@link #BAD_LENGTH} if a prefix was 0 or above 65535: what follows cannot be trusted
   */
  static int decode(ByteBuffer buf, int end, Sink sink) {
    int at = 0;
    while (end - at >= PREFIX) {
      final int len = buf.getInt(at);
      if (len <= 0 || len > MAX_LENGTH) {
        return BAD_LENGTH;
      }
      if (end - at - PREFIX < len) {
        break;
      }
      sink.frame(buf, at + PREFIX, len);
      at += PREFIX + len;
    }
    return at;
  }

  /**
   * Appends one frame with its prefix.
   *
   * @param out the buffer, relative position; must have {@code PREFIX + len} bytes remaining
   * @param len the frame's length
   * @return the index where the frame's bytes go
   */
  static int prefix(ByteBuffer out, int len) {
    out.putInt(len);
    return out.position();
  }
}
