package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DriverQueue;
import net.vdpa.testkit.NetTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Frames looped back on one queue pair: every size, split and packed, with and without EVENT_IDX. */
class LoopbackTest {
  private final Devices devices = new Devices();

  @AfterEach
  void tearDown() {
    devices.close();
  }

  static Stream<Arguments> rings() {
    return Stream.of(
        Arguments.of("split", 0L),
        Arguments.of("split+event_idx+indirect", NetTestDriver.f(VirtioNet.F_EVENT_IDX, VirtioNet.F_INDIRECT_DESC)),
        Arguments.of("packed", NetTestDriver.f(VirtioNet.F_RING_PACKED)),
        Arguments.of("packed+event_idx+in_order",
            NetTestDriver.f(VirtioNet.F_RING_PACKED, VirtioNet.F_EVENT_IDX, VirtioNet.F_IN_ORDER)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rings")
  void everyFrameSizeComesBackIntact(String name, long extra) {
    SimNetDevice dev = devices.create("lo0", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures() | extra, 256, 2048, 32).start(1);
    long mac = Devices.mac(dev).value();
    int sent = 0;
    for (int len = VirtioNet.ETH_ZLEN; len <= 1500 + VirtioNet.ETH_HLEN; len++) {
      byte[] f = NetTestDriver.frame(mac, len, len);
      drv.send(0, f);
      byte[] got = drv.receive(0, NetTestDriver.TIMEOUT_MS);
      assertThat(got).as("frame of %d bytes", len).isEqualTo(f);
      sent++;
    }
    drv.awaitTxDone(0);
    assertThat(dev.vendorVqStats(0)).containsEntry("rx_packets", (long) sent).containsEntry("rx_overruns", 0L)
        .containsEntry("rx_drops", 0L);
    assertThat(dev.vendorVqStats(1)).containsEntry("tx_packets", (long) sent).containsEntry("received_desc", (long) sent)
        .containsEntry("completed_desc", (long) sent);
  }

  @Test
  void indirectChainsAreRead() {
    SimNetDevice dev = devices.create("lo1", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures()
        | NetTestDriver.f(VirtioNet.F_INDIRECT_DESC), 64, 2048, 8).start(1);
    byte[] f = NetTestDriver.frame(Devices.mac(dev).value(), 333, 9);
    drv.sendIndirect(0, f);
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
  }

  @Test
  void aBurstLargerThanTheRingIsCarried() {
    SimNetDevice dev = devices.create("lo2", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 256, 2048, 16).start(1);
    long mac = Devices.mac(dev).value();
    // 200 frames in flight at once, fewer than the 256 receive buffers posted
    for (int i = 0; i < 200; i++) {
      drv.send(0, NetTestDriver.frame(mac, 64 + i, i));
    }
    for (int i = 0; i < 200; i++) {
      assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(NetTestDriver.frame(mac, 64 + i, i));
    }
    assertThat(drv.interrupts[0].get()).isPositive();
  }

  @Test
  void aDriverThatRefillsOnTheInterruptLosesNothingWhenABatchOutgrowsTheReceiveRing() {
    SimNetDevice dev = devices.create("lo4", 1500, 1);
    // 8 receive buffers of 1 KiB: eight 1,500-byte frames in one pass need 16
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MRG_RXBUF),
        8, 1024, 8).start(1);
    AtomicLong bytes = new AtomicLong();
    DriverQueue rxq = drv.queues[0];
    dev.setVqCallback(0, idx -> {
      // on the device's worker: take what is used, post the same buffers again
      for (long u; (u = rxq.pollUsed()) != DriverQueue.EMPTY; ) {
        bytes.addAndGet(DriverQueue.usedLength(u));
        long iova = drv.rxIova[0][DriverQueue.usedId(u)];
        drv.rxIova[0][rxq.add(iova, drv.rxBufLen, true)] = iova;
      }
      drv.publish(0);
    });
    dev.suspend();
    long mac = Devices.mac(dev).value();
    for (int i = 0; i < 8; i++) {
      drv.send(0, NetTestDriver.frame(mac, 1500, i));
    }
    dev.resume();
    drv.awaitTxDone(0);
    long deadline = NetTestDriver.deadline();
    while (bytes.get() < 8 * (VirtioNet.HDR_LEN + 1500L)) {
      NetTestDriver.waitABit(deadline, "frames to arrive: " + bytes.get() + " bytes so far");
    }
    assertThat(dev.vendorVqStats(0)).containsEntry("rx_packets", 8L).containsEntry("rx_overruns", 0L)
        .containsEntry("completed_desc", 16L);
  }

  @Test
  void noReceiveBufferCountsAnOverrun() {
    SimNetDevice dev = devices.create("lo3", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 8, 2048, 8);
    drv.negotiate();
    drv.setupQueue(0);
    drv.setupQueue(1);
    dev.setStatus(dev.status() | net.vdpa.api.VirtioStatus.DRIVER_OK);
    drv.send(0, NetTestDriver.frame(Devices.mac(dev).value(), 100, 1));
    drv.awaitTxDone(0);
    assertThat(dev.vendorVqStats(0)).containsEntry("rx_overruns", 1L).containsEntry("rx_packets", 0L);
    assertThat(dev.vendorVqStats(1)).containsEntry("tx_packets", 1L);
  }
}
