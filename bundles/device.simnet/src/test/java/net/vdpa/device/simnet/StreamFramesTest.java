package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** QEMU's stream framing: a 4-byte big-endian length, then the frame. */
class StreamFramesTest {
  private final List<byte[]> frames = new ArrayList<>();
  private final StreamFrames.Sink sink = (buf, off, len) -> {
    byte[] f = new byte[len];
    buf.get(off, f);
    frames.add(f);
  };

  private static ByteBuffer stream(int... lengthsThenFill) {
    ByteBuffer b = ByteBuffer.allocate(1 << 18);
    for (int len : lengthsThenFill) {
      b.putInt(len);
      for (int i = 0; i < len && i < 70_000; i++) {
        b.put((byte) (len + i));
      }
    }
    return b;
  }

  @Test
  void wholeFramesAreDecodedInOrderAndAPartialOneWaits() {
    ByteBuffer b = stream(60, 1514, 14);
    int end = b.position();
    // the last frame's final byte has not arrived
    assertThat(StreamFrames.decode(b, end - 1, sink)).isEqualTo(4 + 60 + 4 + 1514);
    assertThat(frames).extracting(f -> f.length).containsExactly(60, 1514);
    assertThat(frames.get(1)[0]).isEqualTo((byte) 1514);
    assertThat(frames.get(1)[1513]).isEqualTo((byte) (1514 + 1513));
    frames.clear();
    assertThat(StreamFrames.decode(b, end, sink)).isEqualTo(end);
    assertThat(frames).extracting(f -> f.length).containsExactly(60, 1514, 14);
  }

  @Test
  void aPrefixAloneOrPartOfOneIsNotConsumed() {
    ByteBuffer b = stream(60);
    assertThat(StreamFrames.decode(b, 3, sink)).isZero();
    assertThat(StreamFrames.decode(b, 4, sink)).isZero();
    assertThat(frames).isEmpty();
  }

  @Test
  void aLengthOfZeroOrAbove65535IsABadStream() {
    assertThat(StreamFrames.decode(stream(60, 0), 68, sink)).isEqualTo(StreamFrames.BAD_LENGTH);
    ByteBuffer big = ByteBuffer.allocate(8).putInt(65536);
    assertThat(StreamFrames.decode(big, 4, sink)).isEqualTo(StreamFrames.BAD_LENGTH);
    ByteBuffer negative = ByteBuffer.allocate(8).putInt(-1);
    assertThat(StreamFrames.decode(negative, 4, sink)).isEqualTo(StreamFrames.BAD_LENGTH);
    // the largest length QEMU may send is a frame still
    ByteBuffer max = stream(65535);
    assertThat(StreamFrames.decode(max, max.position(), sink)).isEqualTo(4 + 65535);
  }

  @Test
  void thePrefixIsBigEndianAndDoesNotCountItself() {
    ByteBuffer out = ByteBuffer.allocate(16);
    int at = StreamFrames.prefix(out, 258);
    assertThat(at).isEqualTo(4);
    assertThat(out.array()).startsWith(0, 0, 1, 2);
  }
}
