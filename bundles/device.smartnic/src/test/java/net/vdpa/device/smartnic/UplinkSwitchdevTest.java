package net.vdpa.device.smartnic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FlowAction;
import net.vdpa.api.devlink.FlowMatch;
import net.vdpa.api.devlink.FlowRule;
import net.vdpa.api.net.FrameReceiver;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortEnd;
import net.vdpa.testkit.NetTestDriver;
import net.vdpa.testkit.RecordingPortEnd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The uplink representor of switchdev mode, rules to and from the uplink, the counters of ports,
 * functions and representors, the kept uplink link state and the PF's carrier.
 */
class UplinkSwitchdevTest {
  private static final String DEV = "pci/0000:03:00.0";
  private static final String UPLINK = "enp3s0f0np0";
  private static final String REP0 = "enp3s0f0npf0vf0";
  private static final long VF = 0x02_00_00_00_00_0aL;
  private static final long OUTSIDE = 0x02_00_00_00_00_99L;
  private final TestAdapters t = new TestAdapters();
  private final UplinkBoard board = new UplinkBoard(t.adapters);
  private final RecordingPortEnd far = new RecordingPortEnd("sim0");
  private NetTestDriver driver;
  private PortEnd mine;

  @AfterEach
  void tearDown() {
    t.close();
  }

  /** One VF with a device and a driver, the adapter in switchdev mode, the uplink cabled to {@link #far}. */
  private Adapter start() {
    Adapter a = t.standard();
    a.setNumVfs(1);
    a.setMode(EswitchMode.SWITCHDEV);
    FunctionDevice vf = (FunctionDevice) t.mgmtdevs.get("pci/0000:03:00.2")
        .devAdd(new DevConfig("v0", new MacAddress(VF), null, null, null));
    driver = new NetTestDriver(vf, NetTestDriver.baseFeatures(), 128, 2048, 16).start(1);
    mine = board.end(UPLINK);
    board.join(UPLINK, far);
    return a;
  }

  private static byte[] receive(NetInterface rep) throws InterruptedException {
    ByteBuffer b = ByteBuffer.allocate(2048);
    long until = System.currentTimeMillis() + NetTestDriver.TIMEOUT_MS;
    int n;
    while ((n = rep.receive(0, b)) == -1 && System.currentTimeMillis() < until) {
      Thread.sleep(1);
    }
    assertThat(n).as("a frame on " + rep.name()).isPositive();
    byte[] out = new byte[n];
    b.flip().get(out);
    return out;
  }

  /** Waits (bounded) for what a worker thread counts after the frame has arrived. */
  private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
    long until = System.currentTimeMillis() + NetTestDriver.TIMEOUT_MS;
    while (!done.getAsBoolean() && System.currentTimeMillis() < until) {
      Thread.sleep(1);
    }
  }

  @Test
  void framesFromTheUplinkThatNoRuleMatchesGoToTheUplinkRepresentorAndItsFramesLeaveThroughTheUplink()
      throws InterruptedException {
    start();
    NetInterface uplinkRep = t.interfaces.get(UPLINK);
    assertThat(uplinkRep.device()).isEqualTo(DEV);
    assertThat(uplinkRep.linkUp()).isTrue();
    byte[] in = NetTestDriver.frame(VF, OUTSIDE, 100, 1);
    assertThat(RecordingPortEnd.send(mine, in)).isTrue();
    // the slow path: the VF hears nothing, the uplink representor gets it
    assertThat(receive(uplinkRep)).isEqualTo(in);
    assertThat(driver.receive(0, 50)).isNull();
    byte[] out = NetTestDriver.frame(OUTSIDE, VF, 120, 2);
    assertThat(uplinkRep.send(ByteBuffer.wrap(out))).isEqualTo(NetInterface.SendResult.SENT);
    assertThat(far.next(NetTestDriver.TIMEOUT_MS)).isEqualTo(out);
    PortCounters rep = t.adapters.representorCounters(DEV + "/65535").orElseThrow();
    assertThat(rep).isEqualTo(new PortCounters(1, 100, 0, 1, 120, 0));
    PortCounters wire = t.adapters.counters(DEV + "/65535");
    assertThat(wire).isEqualTo(board.counters(UPLINK));
    assertThat(wire.rxFrames()).isEqualTo(1);
    assertThat(wire.txFrames()).isEqualTo(1);
    // unplugged, the uplink representor has no carrier and sends nothing
    board.unplug(UPLINK);
    assertThat(uplinkRep.linkUp()).isFalse();
    assertThat(uplinkRep.send(ByteBuffer.wrap(out))).isEqualTo(NetInterface.SendResult.DOWN);
  }

  @Test
  void theUplinkRepresentorHandsAPollerItsFramesUpToTheBudget() throws InterruptedException {
    start();
    NetInterface uplinkRep = t.interfaces.get(UPLINK);
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] in = NetTestDriver.frame(VF, OUTSIDE, 100 + i, i);
      assertThat(RecordingPortEnd.send(mine, in)).isTrue();
      sent.add(in);
    }
    await(() -> uplinkRep.stats().rxPackets() == 3);
    List<byte[]> got = new ArrayList<>();
    FrameReceiver r = (pair, f) -> {
      byte[] b = new byte[f.remaining()];
      f.get(f.position(), b);
      got.add(b);
    };
    assertThat(uplinkRep.poll(0, r, 2)).isEqualTo(2);
    assertThat(uplinkRep.poll(0, r, 5)).isEqualTo(1);
    assertThat(uplinkRep.poll(0, r, 5)).isZero();
    assertThat(got).containsExactlyElementsOf(sent);
    // a receiver that throws: the frame is taken, counted as dropped, and not in the return value
    assertThat(RecordingPortEnd.send(mine, sent.get(0))).isTrue();
    await(() -> uplinkRep.stats().rxPackets() == 4);
    assertThat(uplinkRep.poll(0, (pair, f) -> {
      throw new IllegalStateException("no");
    }, 5)).isZero();
    assertThat(uplinkRep.stats().rxDropped()).isEqualTo(1);
    assertThat(uplinkRep.poll(0, r, 5)).isZero();
    assertThatThrownBy(() -> uplinkRep.poll(1, r, 1)).hasMessage("queue pair 1 does not exist; a representor has pair 0");
    assertThat(RecordingPortEnd.send(mine, sent.get(1))).isTrue();
    await(() -> uplinkRep.stats().rxPackets() == 5);
    assertThat(uplinkRep.poll(0, r, 0)).as("a budget of 0 takes nothing").isZero();
    assertThat(uplinkRep.poll(0, r, 1)).isEqualTo(1);
  }

  @Test
  void rulesCarryFramesFromTheUplinkToAFunctionAndFromAFunctionOutOfTheUplink() throws InterruptedException {
    start();
    t.adapters.addRule(UPLINK, new FlowRule(10, new FlowMatch(new MacAddress(VF), null, null, null),
        List.of(new FlowAction.Redirect(REP0))));
    t.adapters.addRule(REP0, new FlowRule(10, FlowMatch.ANY, List.of(new FlowAction.Redirect(UPLINK))));
    for (int i = 0; i < 5; i++) {
      byte[] in = NetTestDriver.frame(VF, OUTSIDE, 80 + i, i);
      assertThat(RecordingPortEnd.send(mine, in)).isTrue();
      assertThat(driver.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(in);
      byte[] out = NetTestDriver.frame(OUTSIDE, VF, 90 + i, i);
      driver.send(0, out);
      assertThat(far.next(NetTestDriver.TIMEOUT_MS)).isEqualTo(out);
    }
    assertThat(t.adapters.rules(UPLINK).get(0).packets()).isEqualTo(5);
    // the VF's worker counts after the frame arrived
    await(() -> t.adapters.rules(REP0).get(0).packets() == 5 && t.adapters.counters(DEV + "/1").txFrames() == 5
        && t.adapters.counters(DEV + "/1").rxFrames() == 5);
    assertThat(t.adapters.rules(REP0).get(0).packets()).isEqualTo(5);
    // the fast path: neither representor saw a frame
    assertThat(t.adapters.representorCounters(DEV + "/65535").orElseThrow().rxFrames()).isZero();
    assertThat(t.adapters.representorCounters(DEV + "/1").orElseThrow().rxFrames()).isZero();
    // the function's counters, from its side
    PortCounters fn = t.adapters.counters(DEV + "/1");
    assertThat(fn.rxFrames()).isEqualTo(5);
    assertThat(fn.txFrames()).isEqualTo(5);
    assertThat(fn.txBytes()).isEqualTo(90 + 91 + 92 + 93 + 94);
  }

  @Test
  void aFunctionsFramesAtItsRepresentorAreCountedThere() throws InterruptedException {
    start();
    byte[] out = NetTestDriver.frame(OUTSIDE, VF, 64, 1);
    driver.send(0, out);
    assertThat(receive(t.interfaces.get(REP0))).isEqualTo(out);
    assertThat(t.adapters.representorCounters(DEV + "/1")).contains(new PortCounters(1, 64, 0, 0, 0, 0));
    await(() -> t.adapters.counters(DEV + "/1").txFrames() == 1);
    assertThat(t.adapters.counters(DEV + "/1").txFrames()).isEqualTo(1);
  }

  @Test
  void inLegacyModeNoPortHasRepresentorCountersAndAMissingPortIsNamed() {
    Adapter a = t.standard();
    a.setNumVfs(1);
    assertThat(t.adapters.representorCounters(DEV + "/1")).isEmpty();
    assertThat(t.adapters.representorCounters(DEV + "/65535")).isEmpty();
    assertThat(t.adapters.counters(DEV + "/1")).isEqualTo(new PortCounters(0, 0, 0, 0, 0, 0));
    assertThatThrownBy(() -> t.adapters.counters(DEV + "/7")).hasMessage("there is no port " + DEV + "/7");
    assertThatThrownBy(() -> t.adapters.counters("pci/0000:09:00.0/1"))
        .hasMessage("there is no devlink device pci/0000:09:00.0");
  }

  @Test
  void theUplinksLinkStateIsKeptAcrossARestartAndItsWireIsNot() {
    start();
    board.setLink(UPLINK, false);
    t.close();
    assertThat(far.unplugs).hasValue(1);
    TestAdapters again = new TestAdapters(t.store);
    again.standard();
    UplinkBoard board2 = new UplinkBoard(again.adapters);
    assertThat(board2.port(UPLINK).linkUp()).isFalse();
    assertThat(board2.port(UPLINK).wire()).isEqualTo(net.vdpa.api.port.WireKind.NONE);
    board2.setLink(UPLINK, true);
    again.close();
    TestAdapters third = new TestAdapters(t.store);
    third.standard();
    assertThat(new UplinkBoard(third.adapters).port(UPLINK).linkUp()).isTrue();
    third.close();
  }

  @Test
  void thePfHasCarrierWhileItsUplinkIsUpAndPluggedIn() {
    t.standard();
    assertThat(t.adapters.carrier(DEV)).isFalse();
    board.join(UPLINK, far);
    assertThat(t.adapters.carrier(DEV)).isTrue();
    board.setLink(UPLINK, false);
    assertThat(t.adapters.carrier(DEV)).isFalse();
    board.setLink(UPLINK, true);
    board.unplug(UPLINK);
    assertThat(t.adapters.carrier(DEV)).isFalse();
    assertThatThrownBy(() -> t.adapters.carrier("pci/0000:09:00.0"))
        .hasMessage("there is no devlink device pci/0000:09:00.0");
  }

  @Test
  void theUplinksSwitchdevPathsAllocateNothing() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    Adapter a = t.standard();
    a.setNumVfs(1);
    a.setMode(EswitchMode.SWITCHDEV);
    PortEnd sink = new PortEnd() {
      @Override
      public String port() {
        return "sink";
      }

      @Override
      public boolean receive(ByteBuffer frame) {
        return true;
      }

      @Override
      public void unplugged() {}
    };
    PortEnd wire = board.end(UPLINK);
    board.join(UPLINK, sink);
    NetInterface rep = t.interfaces.get(UPLINK);
    rep.setReceiver((pair, f) -> { });
    t.adapters.addRule(UPLINK, new FlowRule(1, new FlowMatch(new MacAddress(VF), null, null, null),
        List.of(new FlowAction.Redirect(REP0))));
    ByteBuffer slow = ByteBuffer.allocateDirect(64).put(NetTestDriver.frame(OUTSIDE, OUTSIDE + 1, 64, 1));
    ByteBuffer fast = ByteBuffer.allocateDirect(64).put(NetTestDriver.frame(VF, OUTSIDE, 64, 2));
    ByteBuffer out = ByteBuffer.allocateDirect(64).put(NetTestDriver.frame(OUTSIDE, OUTSIDE + 2, 64, 3));
    for (int i = 0; i < 20_000; i++) {
      wire.receive(slow.limit(64).position(0));
      wire.receive(fast.limit(64).position(0));
      rep.send(out.limit(64).position(0));
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100_000; i++) {
      wire.receive(slow.limit(64).position(0));
      wire.receive(fast.limit(64).position(0));
      rep.send(out.limit(64).position(0));
    }
    long after = mx.getThreadAllocatedBytes(id);
    assertThat((after - before) / 300_000).as("bytes per frame through the uplink in switchdev mode").isZero();
    // each path carried what it was given: the slow path to the representor, the rule's to the VF's
    // port (no device there: dropped and counted), the representor's out of the uplink
    assertThat(t.adapters.representorCounters(DEV + "/65535").orElseThrow().rxFrames()).isEqualTo(120_000);
    assertThat(t.adapters.rules(UPLINK).get(0).packets()).isEqualTo(120_000);
    assertThat(board.counters(UPLINK).txFrames()).isEqualTo(120_000);
  }
}
