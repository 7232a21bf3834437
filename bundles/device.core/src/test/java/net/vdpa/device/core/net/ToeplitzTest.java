package net.vdpa.device.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ToeplitzTest {
  private final Toeplitz toeplitz = new Toeplitz(RssVectors.KEY);

  /** Source address, destination address, then (if ports) source port and destination port, as RSS orders them. */
  private static byte[] input(RssVectors.Row r, boolean ports) {
    byte[] src = r.srcBytes();
    ByteBuffer b = ByteBuffer.allocate(2 * src.length + 4);
    b.put(src).put(r.dstBytes());
    if (ports) {
      b.putShort((short) r.srcPort()).putShort((short) r.dstPort());
    }
    return b.array();
  }

  @Test
  void matchesMicrosoftsIpv4Table() {
    for (RssVectors.Row r : RssVectors.IPV4) {
      assertThat(toeplitz.hash(input(r, false), 8)).as("%s", r).isEqualTo(r.addresses());
      assertThat(toeplitz.hash(input(r, true), 12)).as("%s with ports", r).isEqualTo(r.withPorts());
    }
  }

  @Test
  void matchesMicrosoftsIpv6Table() {
    for (RssVectors.Row r : RssVectors.IPV6) {
      assertThat(toeplitz.hash(input(r, false), 32)).as("%s", r).isEqualTo(r.addresses());
      assertThat(toeplitz.hash(input(r, true), 36)).as("%s with ports", r).isEqualTo(r.withPorts());
    }
  }

  @Test
  void aKeyHashesAtMostItsLengthLessFourBytes() {
    Toeplitz shortKey = new Toeplitz(new byte[12]);
    assertThat(shortKey.maxInput()).isEqualTo(8);
    assertThatThrownBy(() -> shortKey.hash(new byte[12], 12))
        .hasMessage("input of 12 bytes is longer than the 8 this key hashes");
    assertThatThrownBy(() -> new Toeplitz(new byte[3])).hasMessage("a Toeplitz key needs at least 4 bytes, not 3");
  }
}
