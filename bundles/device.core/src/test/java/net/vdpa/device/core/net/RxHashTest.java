package net.vdpa.device.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.VirtioNet;
import org.junit.jupiter.api.Test;

class RxHashTest {
  /** {@code struct virtio_net_hash_config}. */
  private static byte[] hashConfig(int hashTypes, byte[] key) {
    ByteBuffer b = ByteBuffer.allocate(4 + 8 + 1 + key.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putInt(hashTypes).putLong(0).put((byte) key.length).put(key).array();
  }

  @Test
  void hashConfigHashesTheKindsItEnables() {
    byte[] c = hashConfig(VirtioNet.RSS_HASH_TCPV6 | VirtioNet.RSS_HASH_IPV4, RssVectors.KEY);
    RxHash h = RxHash.parseHashConfig(c, 0, c.length);
    RssVectors.Row v6 = RssVectors.IPV6.get(1);
    long r = h.hash(RssConfigTest.frame(v6, 6, false, false));
    assertThat(RxHash.report(r)).isEqualTo(HashReport.TCPV6.code());
    assertThat(RxHash.value(r)).isEqualTo(v6.withPorts());
    assertThat(h.hash(RssConfigTest.frame(v6, 17, false, false))).as("udp6 and ipv6 not enabled").isEqualTo(RxHash.NONE);
    RssVectors.Row v4 = RssVectors.IPV4.get(2);
    assertThat(h.hash(RssConfigTest.frame(v4, 17, true, false))).isEqualTo(RssConfigTest.hashed(HashReport.IPV4, v4.addresses()));
  }

  @Test
  void aFrameThatIsNotIpHasNoHash() {
    byte[] c = hashConfig(RxHash.SUPPORTED_HASH_TYPES, RssVectors.KEY);
    Frame arp = new Frame();
    byte[] b = new byte[60];
    b[12] = 0x08;
    b[13] = 0x06;
    arp.add(ByteBuffer.wrap(b), 0, b.length);
    assertThat(RxHash.parseHashConfig(c, 0, c.length).hash(arp)).isEqualTo(RxHash.NONE);
    assertThat(RxHash.report(RxHash.NONE)).isEqualTo(HashReport.NONE.code());
  }

  @Test
  void aBadHashConfigNamesWhatIsWrong() {
    byte[] ok = hashConfig(RxHash.SUPPORTED_HASH_TYPES, RssVectors.KEY);
    assertThatThrownBy(() -> RxHash.parseHashConfig(ok, 0, 12)).hasMessage("hash config of 12 bytes is too short");
    assertThatThrownBy(() -> RxHash.parseHashConfig(ok, 0, ok.length - 1))
        .hasMessage("hash config of 52 bytes does not end with its 40-byte key");
    byte[] ex = hashConfig(1 << 7, RssVectors.KEY);
    assertThatThrownBy(() -> RxHash.parseHashConfig(ex, 0, ex.length)).hasMessage("hash types 0x80 include unsupported 0x80");
    byte[] shortKey = hashConfig(1, new byte[16]);
    assertThatThrownBy(() -> RxHash.parseHashConfig(shortKey, 0, shortKey.length)).hasMessage("hash key of 16 bytes is not 40");
  }

  @Test
  void steeringStampsTheHashOnTheFrameAndHashConfigKeepsTheSendersPair() {
    RxSteering s = new RxSteering();
    Frame f = RssConfigTest.frame(RssVectors.IPV4.get(0), 6, false, false);
    f.setHash(123);
    s.pairFor(0, f);
    assertThat(f.hash()).as("before any configuration").isEqualTo(RxHash.NONE);
    byte[] c = hashConfig(VirtioNet.RSS_HASH_TCPV4, RssVectors.KEY);
    s.setActivePairs(4, 4);
    s.setHashConfig(RxHash.parseHashConfig(c, 0, c.length));
    assertThat(s.pairFor(3, f)).isEqualTo(3);
    assertThat(f.hash()).isEqualTo(RssConfigTest.hashed(HashReport.TCPV4, RssVectors.IPV4.get(0).withPorts()));
    s.setActivePairs(2, 4);
    s.pairFor(3, f);
    assertThat(RxHash.report(f.hash())).as("VQ_PAIRS_SET keeps HASH_CONFIG's hash").isEqualTo(HashReport.TCPV4.code());
    s.reset();
    s.pairFor(0, f);
    assertThat(f.hash()).isEqualTo(RxHash.NONE);
  }
}
