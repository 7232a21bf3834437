package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.NetTestDriver;
import net.vdpa.testkit.ThreadAllocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The worker threads allocate nothing per frame once warm: loopback and cable, measured per thread. */
class HotPathAllocationTest {
  private final Devices devices = new Devices();

  @AfterEach
  void tearDown() {
    devices.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"loopback", "cable"})
  void workersDoNotAllocatePerFrame(String wire) {
    Assumptions.assumeTrue(ThreadAllocation.available(), "no per-thread allocation counter in this JVM");
    SimNetDevice a = devices.create("al" + wire, 1500, 1);
    SimNetDevice b = devices.create("bl" + wire, 1500, 1);
    long features = NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MRG_RXBUF, VirtioNet.F_EVENT_IDX);
    NetTestDriver da = new NetTestDriver(a, features, 256, 2048, 64).start(1);
    NetTestDriver db = new NetTestDriver(b, features, 256, 2048, 64).start(1);
    NetTestDriver rx = da;
    if (wire.equals("cable")) {
      new SimNetPortBoard(n -> n.equals(a.name()) ? a : b).cable(a.name(), b.name());
      rx = db;
    }
    long dst = rx == da ? Devices.mac(a).value() : Devices.mac(b).value();
    byte[] f = NetTestDriver.frame(dst, 1514, 1);
    for (int i = 0; i < 2000; i++) {
      da.send(0, f);
      rx.receive(0, NetTestDriver.TIMEOUT_MS);
    }
    Thread ta = ThreadAllocation.named(SimNetDevice.THREAD_PREFIX + a.name() + "-qp0");
    Thread tb = ThreadAllocation.named(SimNetDevice.THREAD_PREFIX + b.name() + "-qp0");
    long beforeA = ThreadAllocation.allocated(ta);
    long beforeB = ThreadAllocation.allocated(tb);
    int frames = 5000;
    for (int i = 0; i < frames; i++) {
      da.send(0, f);
      assertThat(rx.receive(0, NetTestDriver.TIMEOUT_MS)).hasSize(1514);
    }
    long perFrame = (ThreadAllocation.allocated(ta) - beforeA + ThreadAllocation.allocated(tb) - beforeB) / frames;
    assertThat(perFrame).as("bytes allocated per frame by the workers").isZero();
  }
}
