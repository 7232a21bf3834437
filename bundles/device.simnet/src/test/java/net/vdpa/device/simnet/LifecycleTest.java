package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.VqState;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DriverQueue;
import net.vdpa.testkit.NetTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Suspend and resume, reset and worker threads, ring errors, DMA map rules. */
class LifecycleTest {
  private final Devices devices = new Devices();

  @AfterEach
  void tearDown() {
    devices.close();
  }

  @Test
  void aKickWhileSuspendedIsReplayedOnResume() throws InterruptedException {
    SimNetDevice dev = devices.create("sus0", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    byte[] first = NetTestDriver.frame(Devices.mac(dev).value(), 100, 1);
    drv.send(0, first);
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(first);

    dev.suspend();
    VqState tx = dev.getVqState(1);
    VqState rx = dev.getVqState(0);
    byte[] f = NetTestDriver.frame(Devices.mac(dev).value(), 200, 2);
    drv.send(0, f);
    Thread.sleep(150);
    assertThat(drv.receive(0, 50)).isNull();
    assertThat(dev.getVqState(1)).isEqualTo(tx);
    assertThat(dev.getVqState(0)).isEqualTo(rx);
    assertThat(tx.lastAvailIdx()).isEqualTo(1);

    dev.resume();
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
    assertThat(dev.getVqState(1).lastAvailIdx()).isEqualTo(2);
  }

  @Test
  void driverOkWhileSuspendedStartsPaused() throws InterruptedException {
    SimNetDevice dev = devices.create("sus1", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 64, 2048, 8);
    drv.negotiate();
    dev.suspend();
    drv.setupQueue(0);
    drv.setupQueue(1);
    dev.setStatus(dev.status() | VirtioStatus.DRIVER_OK);
    drv.post(0);
    byte[] f = NetTestDriver.frame(Devices.mac(dev).value(), 70, 3);
    drv.send(0, f);
    Thread.sleep(100);
    assertThat(drv.receive(0, 20)).isNull();
    dev.resume();
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
  }

  @Test
  void resetStopsEveryWorkerThreadAndForgetsTheQueues() {
    SimNetDevice dev = devices.create("rst0", 1500, 4);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MQ), 64,
        2048, 16).start(4);
    assertThat(Devices.threadsOf("rst0")).containsExactlyInAnyOrder("simnet-rst0-qp0", "simnet-rst0-qp1",
        "simnet-rst0-qp2", "simnet-rst0-qp3");
    dev.reset();
    assertThat(Devices.threadsOf("rst0")).isEmpty();
    assertThat(dev.status()).isZero();
    assertThat(dev.isVqReady(0)).isFalse();
    assertThat(dev.driverFeatures()).isZero();
    assertThat(dev.getVqState(1)).isEqualTo(new VqState(0, true, 0, true));
    // the IOTLB is empty: the same memory can be mapped again
    drv.start(1);
    byte[] f = NetTestDriver.frame(Devices.mac(dev).value(), 64, 1);
    drv.send(0, f);
    assertThat(drv.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
    dev.setStatus(0);
    assertThat(Devices.threadsOf("rst0")).isEmpty();
  }

  @Test
  void aResetFromTheDriversCallbackDoesNotDeadlock() {
    SimNetDevice dev = devices.create("rst1", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    dev.setVqCallback(0, i -> dev.reset());
    drv.send(0, NetTestDriver.frame(Devices.mac(dev).value(), 64, 1));
    long deadline = NetTestDriver.deadline();
    while (!Devices.threadsOf("rst1").isEmpty() || dev.status() != 0) {
      NetTestDriver.waitABit(deadline, "reset from the callback");
    }
    assertThat(dev.status()).isZero();
  }

  @Test
  void aBrokenRingSetsNeedsResetAndCallsTheConfigCallback() {
    SimNetDevice dev = devices.create("err0", 1500, 1);
    NetTestDriver drv = new NetTestDriver(dev, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    DriverQueue tx = drv.queues[1];
    // a buffer outside every mapping: the device must refuse it, not read it
    tx.add(0xdead_0000L, 100, false);
    drv.publish(1);
    long deadline = NetTestDriver.deadline();
    while ((dev.status() & VirtioStatus.DEVICE_NEEDS_RESET) == 0) {
      NetTestDriver.waitABit(deadline, "DEVICE_NEEDS_RESET");
    }
    while (drv.configChanges.get() == 0) {
      NetTestDriver.waitABit(deadline, "config callback");
    }
    assertThat(dev.vendorVqStats(1)).containsEntry("ring_errors", 1L);
    // the driver keeps its bits; writing them again keeps DEVICE_NEEDS_RESET
    int s = dev.status();
    dev.setStatus(s);
    assertThat(dev.status()).isEqualTo(s);
    assertThat(VirtioStatus.format(s)).contains("DEVICE_NEEDS_RESET");
    // receive still works on the healthy queue
    assertThat(Devices.threadsOf("err0")).hasSize(1);
    dev.reset();
    assertThat(dev.status()).isZero();
  }

  @Test
  void dmaMapRulesAreEnforcedWithMessages() {
    SimNetDevice dev = devices.create("dma0", 1500, 1);
    java.nio.ByteBuffer mem = java.nio.ByteBuffer.allocateDirect(8192);
    assertThatThrownBy(() -> dev.dmaMap(0x1000, mem, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dma permission 4");
    assertThatThrownBy(() -> dev.dmaMap(0x1000, java.nio.ByteBuffer.allocate(64), VdpaDevice.DMA_READ))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not direct");
    dev.dmaMap(0x1000, mem, VdpaDevice.DMA_READ_WRITE);
    assertThatThrownBy(() -> dev.dmaMap(0x2000, mem, VdpaDevice.DMA_READ)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlaps");
    assertThatThrownBy(() -> dev.dmaMap(0x9000, mem.asReadOnlyBuffer(), VdpaDevice.DMA_WRITE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
    assertThatThrownBy(() -> dev.dmaUnmap(0x1000, 4096)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no mapping of 4096 bytes starts at 0x1000 (the one there has 8192 bytes)");
    dev.dmaUnmap(0x1000, 8192);
    dev.dmaMap(0x2000, mem, VdpaDevice.DMA_READ);
  }
}
