package net.vdpa.device.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class FrameTest {
  private static final byte[] DST = {0x02, (byte) 0xaa, 0x00, 0x11, (byte) 0xfe, 0x7f};
  private static final byte[] SRC = {(byte) 0x8c, 0x16, 0x45, 0x01, 0x02, (byte) 0x93};

  private static ByteBuffer header(ByteOrder order, int lead) {
    ByteBuffer b = ByteBuffer.allocateDirect(lead + 64).order(order);
    b.position(lead);
    b.put(DST).put(SRC).putShort((short) 0x0800);
    return b.clear();
  }

  @Test
  void macReadsBothAddressesBigEndianWhateverTheBufferOrder() {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      Frame f = new Frame();
      f.add(header(order, 3), 3, 60);
      assertThat(f.mac(0)).as("dst, %s", order).isEqualTo(0x02aa0011fe7fL);
      assertThat(f.mac(6)).as("src, %s", order).isEqualTo(0x8c1645010293L);
    }
  }

  @Test
  void macReadsAnAddressThatEndsTheFirstSegmentOrCrossesIntoTheNext() {
    ByteBuffer b = header(ByteOrder.LITTLE_ENDIAN, 0);
    Frame exact = new Frame();
    exact.add(b, 0, 12); // the source address ends the segment: no 8-byte read fits
    exact.add(b, 12, 48);
    assertThat(exact.mac(6)).isEqualTo(0x8c1645010293L);
    Frame split = new Frame();
    split.add(b, 0, 9); // the source address crosses into the second segment
    split.add(b, 9, 51);
    assertThat(split.mac(0)).isEqualTo(0x02aa0011fe7fL);
    assertThat(split.mac(6)).isEqualTo(0x8c1645010293L);
  }
}
