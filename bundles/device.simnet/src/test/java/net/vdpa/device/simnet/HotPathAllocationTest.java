package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.api.net.VirtioNet;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.WireKind;
import net.vdpa.testkit.NetTestDriver;
import net.vdpa.testkit.ThreadAllocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker threads (and a socket wire's receive thread) allocate nothing per frame once warm:
 * loopback, cable, a cable through the ports' ends (as to another provider's port), UDP and TCP
 * stream, measured per thread.
 */
class HotPathAllocationTest {
  private final Devices devices = new Devices();

  @AfterEach
  void tearDown() {
    devices.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"loopback", "cable", "ends", "udp", "stream"})
  void workersDoNotAllocatePerFrame(String wire) throws java.io.IOException {
    Assumptions.assumeTrue(ThreadAllocation.available(), "no per-thread allocation counter in this JVM");
    SimNetDevice a = devices.create("al" + wire, 1500, 1);
    SimNetDevice b = devices.create("bl" + wire, 1500, 1);
    long features = NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MRG_RXBUF, VirtioNet.F_EVENT_IDX);
    NetTestDriver da = new NetTestDriver(a, features, 256, 2048, 64).start(1);
    NetTestDriver db = new NetTestDriver(b, features, 256, 2048, 64).start(1);
    NetTestDriver rx = da;
    SimNetPortBoard board = new SimNetPortBoard(n -> n.equals(a.name()) ? a : b);
    java.net.InetSocketAddress pa = SocketWireTest.at(SocketWireTest.freePort());
    java.net.InetSocketAddress pb = SocketWireTest.at(SocketWireTest.freePort());
    switch (wire) {
      case "cable" -> board.cable(a.name(), b.name());
      case "ends" -> net.vdpa.api.port.PortControl.cable(board, a.name(), board, b.name());
      case "udp" -> {
        board.socket(a.name(), WireKind.UDP, SocketAddresses.udp(pa, pb));
        board.socket(b.name(), WireKind.UDP, SocketAddresses.udp(pb, pa));
      }
      case "stream" -> {
        board.socket(b.name(), WireKind.STREAM, SocketAddresses.listen(pb));
        board.socket(a.name(), WireKind.STREAM, SocketAddresses.connect(pb));
      }
      default -> { }
    }
    if (!wire.equals("loopback")) {
      rx = db;
    }
    long dst = rx == da ? Devices.mac(a).value() : Devices.mac(b).value();
    byte[] f = NetTestDriver.frame(dst, 1514, 1);
    if (wire.equals("stream")) {
      // a stream's connector sends into no peer until it has connected
      byte[] first = null;
      for (int i = 0; i < 100 && first == null; i++) {
        da.send(0, f);
        first = rx.receive(0, 100);
      }
      assertThat(first).isEqualTo(f);
    }
    for (int i = 0; i < 2000; i++) {
      da.send(0, f);
      rx.receive(0, NetTestDriver.TIMEOUT_MS);
    }
    Thread ta = ThreadAllocation.named(SimNetDevice.THREAD_PREFIX + a.name() + "-qp0");
    Thread tb = ThreadAllocation.named(SimNetDevice.THREAD_PREFIX + b.name() + "-qp0");
    Thread tw = wire.equals("udp") || wire.equals("stream") ? ThreadAllocation.named("wire-" + wire + "-" + b.name()) : tb;
    long beforeA = ThreadAllocation.allocated(ta);
    long beforeB = ThreadAllocation.allocated(tb);
    long beforeW = tw == tb ? 0 : ThreadAllocation.allocated(tw);
    int frames = 5000;
    for (int i = 0; i < frames; i++) {
      da.send(0, f);
      assertThat(rx.receive(0, NetTestDriver.TIMEOUT_MS)).hasSize(1514);
    }
    long wireBytes = tw == tb ? 0 : ThreadAllocation.allocated(tw) - beforeW;
    long perFrame = (ThreadAllocation.allocated(ta) - beforeA + ThreadAllocation.allocated(tb) - beforeB + wireBytes) / frames;
    board.loopback(a.name());
    board.loopback(b.name());
    if (wire.equals("ends")) {
      assertThat(board.port(b.name()).wire()).isEqualTo(WireKind.LOOPBACK);
    }
    assertThat(perFrame).as("bytes allocated per frame by the workers").isZero();
  }
}
