package net.vdpa.device.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.VirtioNet;
import org.junit.jupiter.api.Test;

class RssConfigTest {
  private static final int ALL = RssConfig.SUPPORTED_HASH_TYPES;

  /** {@code struct virtio_net_rss_config} as a driver writes it. */
  static byte[] config(int hashTypes, int[] table, int unclassified, int txPairs, byte[] key) {
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + 2 + 2 * table.length + 2 + 1 + key.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(hashTypes).putShort((short) (table.length - 1)).putShort((short) unclassified);
    for (int q : table) {
      b.putShort((short) q);
    }
    b.putShort((short) txPairs).put((byte) key.length).put(key);
    return b.array();
  }

  static RssConfig parse(byte[] c, int maxPairs) {
    return RssConfig.parse(c, 0, c.length, maxPairs);
  }

  /** An Ethernet frame carrying IPv4 or IPv6 with a TCP or UDP header (ports only), optionally VLAN-tagged. */
  static Frame frame(RssVectors.Row r, int proto, boolean vlan, boolean fragment) {
    byte[] src = r.srcBytes();
    boolean v6 = src.length == 16;
    ByteBuffer b = ByteBuffer.allocate(128);
    b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
    if (vlan) {
      b.putShort((short) 0x8100).putShort((short) 10);
    }
    if (v6) {
      b.putShort((short) 0x86dd).putInt(0x6000_0000).putShort((short) 8).put((byte) proto).put((byte) 64);
      b.put(src).put(r.dstBytes());
    } else {
      b.putShort((short) 0x0800).put((byte) 0x45).put((byte) 0).putShort((short) 28).putShort((short) 1)
          .putShort((short) (fragment ? 0x2000 : 0x4000)).put((byte) 64).put((byte) proto).putShort((short) 0);
      b.put(src).put(r.dstBytes());
    }
    b.putShort((short) r.srcPort()).putShort((short) r.dstPort()).putInt(0);
    Frame f = new Frame();
    f.add(ByteBuffer.wrap(b.array()), 0, b.position());
    return f;
  }

  private static RssConfig all(int hashTypes) {
    return parse(config(hashTypes, new int[] {0, 1, 2, 3}, 0, 4, RssVectors.KEY), 4);
  }

  /** An {@link RxHash} result: the report code above the value. */
  static long hashed(HashReport report, int value) {
    return (long) report.code() << 32 | (value & 0xffff_ffffL);
  }

  @Test
  void hashesIpv4AsMicrosoftsTable() {
    for (RssVectors.Row r : RssVectors.IPV4) {
      assertThat(all(ALL).hash(frame(r, 6, false, false))).as("tcp %s", r).isEqualTo(hashed(HashReport.TCPV4, r.withPorts()));
      assertThat(all(ALL).hash(frame(r, 17, true, false))).as("udp tagged %s", r)
          .isEqualTo(hashed(HashReport.UDPV4, r.withPorts()));
      // ports only where the kind is enabled; a fragment or another protocol hashes the addresses
      assertThat(all(VirtioNet.RSS_HASH_IPV4).hash(frame(r, 6, false, false))).isEqualTo(hashed(HashReport.IPV4, r.addresses()));
      assertThat(all(ALL).hash(frame(r, 6, false, true))).as("fragment").isEqualTo(hashed(HashReport.IPV4, r.addresses()));
      assertThat(all(ALL).hash(frame(r, 1, false, false))).as("icmp").isEqualTo(hashed(HashReport.IPV4, r.addresses()));
    }
  }

  @Test
  void hashesIpv6AsMicrosoftsTable() {
    for (RssVectors.Row r : RssVectors.IPV6) {
      assertThat(all(ALL).hash(frame(r, 6, false, false))).as("tcp %s", r).isEqualTo(hashed(HashReport.TCPV6, r.withPorts()));
      assertThat(all(ALL).hash(frame(r, 17, false, false))).as("udp %s", r).isEqualTo(hashed(HashReport.UDPV6, r.withPorts()));
      assertThat(all(VirtioNet.RSS_HASH_IPV6).hash(frame(r, 17, false, false))).isEqualTo(hashed(HashReport.IPV6, r.addresses()));
    }
  }

  @Test
  void theTableEntryOfTheHashPicksTheQueueAndUnhashedFramesGoToTheUnclassifiedQueue() {
    int[] table = new int[16];
    for (int i = 0; i < table.length; i++) {
      table[i] = i % 4;
    }
    RssConfig c = parse(config(VirtioNet.RSS_HASH_TCPV4, table, 3, 4, RssVectors.KEY), 4);
    for (RssVectors.Row r : RssVectors.IPV4) {
      assertThat(c.queueFor(frame(r, 6, false, false))).isEqualTo(table[r.withPorts() & 15]);
      assertThat(c.queueFor(frame(r, 17, false, false))).as("udp is not hashed").isEqualTo(3);
    }
    assertThat(c.queueFor(frame(RssVectors.IPV6.get(0), 6, false, false))).as("ipv6 is not hashed").isEqualTo(3);
    assertThat(c.txPairs()).isEqualTo(4);
  }

  @Test
  void aBadConfigurationNamesWhatIsWrong() {
    int[] four = {0, 1, 2, 3};
    assertThatThrownBy(() -> parse(config(1 << 6, four, 0, 4, RssVectors.KEY), 4))
        .hasMessage("hash types 0x40 include unsupported 0x40");
    assertThatThrownBy(() -> parse(config(ALL, new int[] {0, 1, 2}, 0, 4, RssVectors.KEY), 4))
        .hasMessage("indirection table of 3 entries is not a power of 2 up to 128");
    assertThatThrownBy(() -> parse(config(ALL, four, 4, 4, RssVectors.KEY), 4))
        .hasMessage("unclassified queue names receive queue 4; the device has 4");
    assertThatThrownBy(() -> parse(config(ALL, new int[] {0, 9}, 0, 4, RssVectors.KEY), 4))
        .hasMessage("indirection table entry 1 names receive queue 9; the device has 4");
    assertThatThrownBy(() -> parse(config(ALL, four, 0, 5, RssVectors.KEY), 4))
        .hasMessage("max_tx_vq 5 is outside 1..4");
    assertThatThrownBy(() -> parse(config(ALL, four, 0, 4, new byte[16]), 4))
        .hasMessage("hash key of 16 bytes is not 40");
    byte[] ok = config(ALL, four, 0, 4, RssVectors.KEY);
    assertThatThrownBy(() -> RssConfig.parse(ok, 0, 12, 4)).hasMessage("rss config of 12 bytes is too short");
    assertThatThrownBy(() -> RssConfig.parse(ok, 0, 14, 4))
        .hasMessage("rss config of 14 bytes ends inside its indirection table");
    assertThatThrownBy(() -> RssConfig.parse(ok, 0, ok.length - 1, 4))
        .hasMessage("rss config of 58 bytes does not end with its 40-byte key");
  }

  @Test
  void steeringFollowsTheSenderUntilRssThenVqPairsSetTurnsItOff() {
    RxSteering s = new RxSteering();
    Frame f = frame(RssVectors.IPV4.get(0), 6, false, false);
    assertThat(s.pairFor(5, f)).isEqualTo(0);
    assertThat(s.setActivePairs(4, 4)).isTrue();
    assertThat(s.pairFor(5, f)).isEqualTo(1);
    assertThat(s.setActivePairs(5, 4)).isFalse();
    RssConfig c = parse(config(ALL, new int[] {3, 3}, 2, 2, RssVectors.KEY), 4);
    s.setRss(c);
    assertThat(s.pairFor(0, f)).isEqualTo(3);
    assertThat(s.activePairs()).isEqualTo(2);
    s.setActivePairs(4, 4);
    assertThat(s.rss()).isNull();
    s.setRss(c);
    s.reset();
    assertThat(s.rss()).isNull();
    assertThat(s.activePairs()).isEqualTo(1);
  }
}
