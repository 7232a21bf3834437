package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.NetTestDriver;
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

  private static long allocated(Thread t) {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(t.getId());
  }

  private static Thread thread(String name) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no thread " + name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"loopback", "cable"})
  void workersDoNotAllocatePerFrame(String wire) {
    Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
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
    Thread ta = thread(SimNetDevice.THREAD_PREFIX + a.name() + "-qp0");
    Thread tb = thread(SimNetDevice.THREAD_PREFIX + b.name() + "-qp0");
    long beforeA = allocated(ta);
    long beforeB = allocated(tb);
    int frames = 5000;
    for (int i = 0; i < frames; i++) {
      da.send(0, f);
      assertThat(rx.receive(0, NetTestDriver.TIMEOUT_MS)).hasSize(1514);
    }
    long perFrame = (allocated(ta) - beforeA + allocated(tb) - beforeB) / frames;
    assertThat(perFrame).as("bytes allocated per frame by the workers").isZero();
  }
}
