package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.NetTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Jumbo frames over mergeable buffers, the receive filter, the control queue and multiqueue. */
class DatapathTest {
  private static final long BROADCAST = 0xffff_ffff_ffffL;
  private static final long MULTICAST = 0x0100_5e00_00fbL;
  private static final long OTHER = 0x0200_0000_0099L;
  private final Devices devices = new Devices();

  @AfterEach
  void tearDown() {
    devices.close();
  }

  @Test
  void jumboFramesSpreadOverMergeableBuffers() {
    SimNetDevice dev = devices.create("mrg0", 9000, 1);
    long features = NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MRG_RXBUF);
    NetTestDriver drv = new NetTestDriver(dev, features, 256, 2048, 32).start(1);
    long mac = Devices.mac(dev).value();
    int[] sizes = {60, 2036, 2037, 4096, 8000, 9000, 9000 + VirtioNet.ETH_HLEN};
    for (int len : sizes) {
      byte[] f = NetTestDriver.frame(mac, len, len);
      drv.send(0, f);
      assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).as("frame of %d bytes", len).isEqualTo(f);
      assertThat(drv.lastNumBuffers).as("num_buffers for %d bytes", len)
          .isEqualTo((len + VirtioNet.HDR_LEN + 2047) / 2048);
    }
    assertThat(dev.vendorVqStats(0)).containsEntry("rx_packets", (long) sizes.length).containsEntry("rx_errors", 0L);
  }

  @Test
  void jumboFramesOnPackedRingsToo() {
    SimNetDevice dev = devices.create("mrg1", 9000, 1);
    long features = NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MRG_RXBUF, VirtioNet.F_RING_PACKED);
    NetTestDriver drv = new NetTestDriver(dev, features, 128, 2048, 16).start(1);
    byte[] f = NetTestDriver.frame(Devices.mac(dev).value(), 9014, 3);
    drv.send(0, f);
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
    assertThat(drv.lastNumBuffers).isEqualTo(5);
  }

  @Test
  void withoutMergeableBuffersATooLongFrameIsAnErrorNotATruncation() {
    SimNetDevice dev = devices.create("mrg2", 9000, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    long mac = Devices.mac(dev).value();
    drv.send(0, NetTestDriver.frame(mac, 5000, 1));
    byte[] small = NetTestDriver.frame(mac, 1000, 2);
    drv.send(0, small);
    // the refused frame hands its buffer back empty; the next one arrives whole
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEmpty();
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(small);
    assertThat(dev.vendorVqStats(0)).containsEntry("rx_errors", 1L).containsEntry("rx_packets", 1L);
  }

  @Test
  void receiveFilterDropsOtherUnicastUntilPromiscuous() {
    SimNetDevice dev = devices.create("flt0", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    drv.send(0, NetTestDriver.frame(OTHER, 100, 1));
    drv.awaitTxDone(0);
    assertThat(drv.receive(0, 100)).isNull();
    assertThat(dev.vendorVqStats(0)).containsEntry("rx_drops", 1L);

    byte[] bc = NetTestDriver.frame(BROADCAST, 100, 2);
    drv.send(0, bc);
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(bc);
    byte[] mc = NetTestDriver.frame(MULTICAST, 100, 3);
    drv.send(0, mc);
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(mc);

    assertThat(drv.control(VirtioNet.CTRL_RX, VirtioNet.CTRL_RX_PROMISC, (byte) 1)).isEqualTo(VirtioNet.CTRL_OK);
    byte[] other = NetTestDriver.frame(OTHER, 100, 4);
    drv.send(0, other);
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(other);

    assertThat(drv.control(VirtioNet.CTRL_RX, VirtioNet.CTRL_RX_PROMISC, (byte) 0)).isEqualTo(VirtioNet.CTRL_OK);
    assertThat(drv.control(VirtioNet.CTRL_RX, VirtioNet.CTRL_RX_ALLMULTI, (byte) 1)).isEqualTo(VirtioNet.CTRL_OK);
    assertThat(dev.filter().allmulti()).isTrue();
    drv.send(0, NetTestDriver.frame(OTHER, 100, 5));
    drv.awaitTxDone(0);
    assertThat(drv.receive(0, 100)).isNull();
    assertThat(dev.vendorVqStats(0)).containsEntry("rx_drops", 2L).containsEntry("rx_packets", 3L);
    assertThat(dev.vendorVqStats(drv.ctrlIndex)).containsEntry("cvq_requests", 3L).containsEntry("cvq_successes", 3L)
        .containsEntry("cvq_errors", 0L);
  }

  @Test
  void macAddrSetMovesTheFilterAndTheConfigSpace() {
    SimNetDevice dev = devices.create("mac0", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    long old = Devices.mac(dev).value();
    byte[] fresh = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    assertThat(drv.control(VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_ADDR_SET, fresh)).isEqualTo(VirtioNet.CTRL_OK);
    ByteBuffer cfg = ByteBuffer.allocate(6);
    dev.getConfig(VirtioNet.CFG_MAC, cfg);
    assertThat(cfg.array()).isEqualTo(fresh);

    byte[] toNew = NetTestDriver.frame(0x0211_2233_4455L, 80, 1);
    drv.send(0, toNew);
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(toNew);
    drv.send(0, NetTestDriver.frame(old, 80, 2));
    drv.awaitTxDone(0);
    assertThat(drv.receive(0, 100)).isNull();

    // a multicast address, a short command and an unknown class are refused
    assertThat(drv.control(VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_ADDR_SET, (byte) 1, (byte) 0, (byte) 0x5e, (byte) 0,
        (byte) 0, (byte) 1)).isEqualTo(VirtioNet.CTRL_ERR);
    assertThat(drv.control(VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_ADDR_SET, (byte) 2)).isEqualTo(VirtioNet.CTRL_ERR);
    assertThat(drv.control(9, 0)).isEqualTo(VirtioNet.CTRL_ERR);
    assertThat(dev.vendorVqStats(drv.ctrlIndex)).containsEntry("cvq_requests", 4L).containsEntry("cvq_errors", 3L);
  }

  @Test
  void fourQueuePairsEachCarryTheirOwnTraffic() {
    SimNetDevice dev = devices.create("mq0", 1500, 4);
    long features = NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MQ);
    NetTestDriver drv = new NetTestDriver(dev, features, 64, 2048, 16).start(4);
    assertThat(drv.ctrlIndex).isEqualTo(8);
    assertThat(drv.control(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_VQ_PAIRS_SET, (byte) 4, (byte) 0))
        .isEqualTo(VirtioNet.CTRL_OK);
    assertThat(dev.activePairs()).isEqualTo(4);
    assertThat(drv.control(VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_VQ_PAIRS_SET, (byte) 5, (byte) 0))
        .isEqualTo(VirtioNet.CTRL_ERR);
    assertThat(Devices.threadsOf("mq0")).hasSize(4);
    long mac = Devices.mac(dev).value();
    for (int round = 0; round < 20; round++) {
      for (int p = 0; p < 4; p++) {
        drv.send(p, NetTestDriver.frame(mac, 100 + p, round));
      }
      for (int p = 0; p < 4; p++) {
        assertThat(drv.receive(p, NetTestDriver.TIMEOUT_MS)).isEqualTo(NetTestDriver.frame(mac, 100 + p, round));
      }
    }
    for (int p = 0; p < 4; p++) {
      assertThat(dev.vendorVqStats(VirtioNet.rxq(p))).containsEntry("rx_packets", 20L);
      assertThat(dev.vendorVqStats(VirtioNet.txq(p))).containsEntry("tx_packets", 20L);
    }
    assertThat(dev.vendorVqStats(8)).containsKeys("cvq_requests", "cvq_successes", "cvq_errors");
  }

  @Test
  void configSpaceIsLittleEndian() {
    SimNetDevice dev = devices.create("cfg0", 9000, 3);
    ByteBuffer b = ByteBuffer.allocate(VirtioNet.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    dev.getConfig(0, b);
    byte[] mac = Devices.mac(dev).toBytes();
    assertThat(java.util.Arrays.copyOf(b.array(), 6)).isEqualTo(mac);
    assertThat(mac[0]).isEqualTo((byte) 0x02);
    assertThat(b.getShort(VirtioNet.CFG_STATUS)).isEqualTo((short) VirtioNet.S_LINK_UP);
    assertThat(b.getShort(VirtioNet.CFG_MAX_VQ_PAIRS)).isEqualTo((short) 3);
    assertThat(b.getShort(VirtioNet.CFG_MTU) & 0xffff).isEqualTo(9000);
    assertThat(b.array()[VirtioNet.CFG_MTU]).isEqualTo((byte) (9000 & 0xff));
    assertThat(dev.configSize()).isEqualTo(12);
    ByteBuffer two = ByteBuffer.allocate(2);
    dev.getConfig(VirtioNet.CFG_MTU, two);
    assertThat(two.array()).containsExactly((byte) 0x28, (byte) 0x23);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.getConfig(11, ByteBuffer.allocate(2)))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("2 bytes at offset 11");
  }
}
