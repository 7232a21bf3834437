package net.vdpa.device.smartnic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.net.Toeplitz;
import net.vdpa.testkit.NetTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HASH_REPORT on a function, driven through its virtqueues: the 20-byte header in both directions,
 * NONE before any configuration and for frames that are not IP, the Toeplitz hash and the kind the
 * configured hash types select after RSS_CONFIG or HASH_CONFIG.
 */
class HashReportTest {
  /** Microsoft's default RSS key (the verification suite's). */
  static final byte[] KEY = {0x6d, 0x5a, 0x56, (byte) 0xda, 0x25, 0x5b, 0x0e, (byte) 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43,
      (byte) 0xa3, (byte) 0x8f, (byte) 0xb0, (byte) 0xd0, (byte) 0xca, 0x2b, (byte) 0xcb, (byte) 0xae, 0x7b, 0x30,
      (byte) 0xb4, 0x77, (byte) 0xcb, 0x2d, (byte) 0xa3, (byte) 0x80, 0x30, (byte) 0xf2, 0x0c, 0x6a, 0x42, (byte) 0xb7,
      0x3b, (byte) 0xbe, (byte) 0xac, 0x01, (byte) 0xfa};
  private static final long A = 0x02_00_00_00_00_0aL;
  private static final long B = 0x02_00_00_00_00_0bL;
  private static final long BASE = NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MRG_RXBUF, VirtioNet.F_INDIRECT_DESC);

  private final TestAdapters t = new TestAdapters();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private FunctionDevice add(String vf, String name, long mac, Integer maxVqp, Long features) {
    return (FunctionDevice) t.mgmtdevs.get(vf).devAdd(new DevConfig(name, MacAddress.parse(String.format("02:00:00:00:00:%02x", mac & 0xff)), null, maxVqp, features));
  }

  /** An Ethernet frame from A to B with IPv4 and a TCP or UDP header (ports only). */
  static byte[] ipv4(int proto, int src, int dst, int srcPort, int dstPort) {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put(NetTestDriver.frame(B, A, 14, 0), 0, 12);
    b.putShort((short) 0x0800).put((byte) 0x45).put((byte) 0).putShort((short) 28).putShort((short) 1)
        .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst);
    b.putShort((short) srcPort).putShort((short) dstPort);
    return b.array();
  }

  /** The Toeplitz hash of addresses (and ports) as RSS defines its input. */
  static int toeplitz(int src, int dst, int srcPort, int dstPort, boolean ports) {
    ByteBuffer in = ByteBuffer.allocate(12).putInt(src).putInt(dst).putShort((short) srcPort).putShort((short) dstPort);
    return new Toeplitz(KEY).hash(in.array(), ports ? 12 : 8);
  }

  /** {@code struct virtio_net_rss_config} with a 4-entry table over pairs 0..3. */
  static byte[] rssConfig(int hashTypes) {
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + 2 + 8 + 2 + 1 + KEY.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(hashTypes).putShort((short) 3).putShort((short) 2);
    for (int q = 0; q < 4; q++) {
      b.putShort((short) q);
    }
    return b.putShort((short) 4).put((byte) KEY.length).put(KEY).array();
  }

  /** {@code struct virtio_net_hash_config}. */
  static byte[] hashConfig(int hashTypes) {
    ByteBuffer b = ByteBuffer.allocate(4 + 8 + 1 + KEY.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putInt(hashTypes).putLong(0).put((byte) KEY.length).put(KEY).array();
  }

  @Test
  void theExtendedHeaderHasTheSpecsLayout() {
    // virtio 1.2 §5.1.6.4.3: struct virtio_net_hdr_v1_hash
    assertThat(VirtioNet.HDR_HASH_VALUE).isEqualTo(VirtioNet.HDR_LEN);
    assertThat(VirtioNet.HDR_HASH_REPORT).isEqualTo(16);
    assertThat(VirtioNet.HDR_HASH_PADDING).isEqualTo(18);
    assertThat(VirtioNet.HDR_LEN_HASH).isEqualTo(20);
    assertThat(VirtioNet.hdrLen(VirtioNet.bit(VirtioNet.F_HASH_REPORT))).isEqualTo(20);
    assertThat(VirtioNet.hdrLen(VirtioNet.bit(VirtioNet.F_RSS))).isEqualTo(12);
    assertThat(HashReport.UDPV6_EX.code()).isEqualTo(9);
    assertThat(HashReport.of(5)).isEqualTo(HashReport.TCPV6);
    assertThat(HashReport.of(10)).isEqualTo(HashReport.NONE);
  }

  @Test
  void onlyFunctionsWithSeveralPairsOfferHashReportByDefault() {
    t.standard().setNumVfs(2);
    FunctionDevice one = add("pci/0000:03:00.2", "v1", A, null, null);
    FunctionDevice four = add("pci/0000:03:00.3", "v4", B, 4, null);
    assertThat(one.deviceFeatures() & VirtioNet.bit(VirtioNet.F_HASH_REPORT)).isZero();
    assertThat(four.deviceFeatures() & VirtioNet.bit(VirtioNet.F_HASH_REPORT)).isNotZero();
    assertThat(four.deviceFeatures() & VirtioNet.bit(VirtioNet.F_RSS)).isNotZero();
  }

  @Test
  void rssConfigSelectsTheReportedHashAndTheQueue() {
    t.standard().setNumVfs(2);
    FunctionDevice a = add("pci/0000:03:00.2", "va", A, null, null);
    FunctionDevice b = add("pci/0000:03:00.3", "vb", B, 4, null);
    NetTestDriver da = new NetTestDriver(a, BASE, 256, 2048, 16).start(1);
    long hashed = BASE | NetTestDriver.f(VirtioNet.F_MQ, VirtioNet.F_RSS, VirtioNet.F_HASH_REPORT);
    NetTestDriver db = new NetTestDriver(b, hashed, 256, 2048, 16).start(4);
    assertThat(db.hdrLen).isEqualTo(20);
    int src = 0x420995bb;
    int dst = 0xa18e6450;
    byte[] tcp = ipv4(6, src, dst, 2794, 1766);

    // before any configuration: NONE, on the sender's pair
    da.send(0, tcp);
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(tcp);
    assertThat(db.lastHashReport).isEqualTo(HashReport.NONE.code());
    assertThat(db.lastHashValue).isZero();

    assertThat(db.control(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_RSS_CONFIG,
        rssConfig(VirtioNet.RSS_HASH_IPV4 | VirtioNet.RSS_HASH_TCPV4))).isEqualTo(VirtioNet.CTRL_OK);
    int h = toeplitz(src, dst, 2794, 1766, true);
    assertThat(h).as("Microsoft's first IPv4 vector with ports").isEqualTo(0x51ccc178);
    da.send(0, tcp);
    assertThat(db.receive(h & 3, NetTestDriver.TIMEOUT_MS)).isEqualTo(tcp);
    assertThat(db.lastHashReport).isEqualTo(HashReport.TCPV4.code());
    assertThat(db.lastHashValue).isEqualTo(h);
    assertThat(db.lastHashPadding).isZero();

    // UDP is not an enabled kind: the addresses are hashed (IPV4)
    byte[] udp = ipv4(17, src, dst, 2794, 1766);
    int ha = toeplitz(src, dst, 0, 0, false);
    da.send(0, udp);
    assertThat(db.receive(ha & 3, NetTestDriver.TIMEOUT_MS)).isEqualTo(udp);
    assertThat(db.lastHashReport).isEqualTo(HashReport.IPV4.code());
    assertThat(db.lastHashValue).isEqualTo(ha);

    // not IP: NONE, to the unclassified queue
    byte[] other = NetTestDriver.frame(B, A, 60, 3);
    da.send(0, other);
    assertThat(db.receive(2, NetTestDriver.TIMEOUT_MS)).isEqualTo(other);
    assertThat(db.lastHashReport).isEqualTo(HashReport.NONE.code());

    // transmit with the 20-byte header: the frame after it arrives whole
    byte[] back = NetTestDriver.frame(A, B, 100, 9);
    db.send(1, back);
    assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(back);
    db.sendIndirect(0, back);
    assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(back);
  }

  @Test
  void hashConfigHashesWithoutSteeringWhereOnlyHashReportIsNegotiated() {
    t.standard().setNumVfs(2);
    FunctionDevice a = add("pci/0000:03:00.2", "va", A, null, null);
    FunctionDevice b = add("pci/0000:03:00.3", "vb", B, 4, null);
    NetTestDriver da = new NetTestDriver(a, BASE, 256, 2048, 16).start(1);
    NetTestDriver db = new NetTestDriver(b, BASE | NetTestDriver.f(VirtioNet.F_HASH_REPORT), 256, 2048, 16).start(1);
    assertThat(db.control(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_RSS_CONFIG, rssConfig(VirtioNet.RSS_HASH_IPV4)))
        .as("RSS not negotiated").isEqualTo(VirtioNet.CTRL_ERR);
    assertThat(db.control(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_HASH_CONFIG, hashConfig(1 << 6)))
        .as("an _EX kind").isEqualTo(VirtioNet.CTRL_ERR);
    assertThat(db.control(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_HASH_CONFIG, hashConfig(VirtioNet.RSS_HASH_IPV4)))
        .isEqualTo(VirtioNet.CTRL_OK);
    int src = 0x420995bb;
    int dst = 0xa18e6450;
    byte[] tcp = ipv4(6, src, dst, 2794, 1766);
    da.send(0, tcp);
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(tcp);
    assertThat(db.lastHashReport).isEqualTo(HashReport.IPV4.code());
    assertThat(db.lastHashValue).isEqualTo(toeplitz(src, dst, 0, 0, false)).isEqualTo(0x323e8fc2);
    // a driver without HASH_REPORT gets CTRL_ERR for HASH_CONFIG and the 12-byte header
    assertThat(da.control(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_HASH_CONFIG, hashConfig(VirtioNet.RSS_HASH_IPV4)))
        .isEqualTo(VirtioNet.CTRL_ERR);
  }
}
