package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import net.vdpa.api.port.Delivery;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.PortEnd;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.WireKind;
import net.vdpa.testkit.NetTestDriver;
import net.vdpa.testkit.RecordingPortEnd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A simulated NIC's port cabled to another provider's port, here a recording far end. */
class ForeignWireTest {
  private final Devices devices = new Devices();
  private final Map<String, SimNetDevice> byName = new java.util.HashMap<>();
  private final SimNetPortBoard board = new SimNetPortBoard(byName::get);
  private final RecordingPortEnd far = new RecordingPortEnd("enp3s0f0np0");

  @AfterEach
  void tearDown() {
    devices.close();
  }

  private SimNetDevice create(String name) {
    return create(name, 1500);
  }

  private SimNetDevice create(String name, int mtu) {
    SimNetDevice d = devices.create(name, mtu, 1);
    byName.put(name, d);
    return d;
  }

  @Test
  void framesCrossBothWaysAndThePortShowsItsPeer() throws InterruptedException {
    SimNetDevice a = create("fa");
    NetTestDriver da = new NetTestDriver(a, NetTestDriver.baseFeatures(), 128, 2048, 16).start(1);
    PortEnd mine = board.end("fa");
    board.join("fa", far);
    assertThat(board.port("fa")).isEqualTo(new PortState("fa", WireKind.CABLE, "enp3s0f0np0", null, true, true, true));
    long macA = Devices.mac(a).value();
    for (int i = 0; i < 20; i++) {
      byte[] out = NetTestDriver.frame(0x02_00_00_00_00_99L, 60 + 50 * i, i);
      da.send(0, out);
      assertThat(far.next(NetTestDriver.TIMEOUT_MS)).isEqualTo(out);
      byte[] in = NetTestDriver.frame(macA, 1514 - 50 * i, i);
      assertThat(RecordingPortEnd.send(mine, in)).isTrue();
      assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(in);
    }
    assertThat(a.portCounters().txFrames()).isEqualTo(20);
    assertThat(a.portCounters().rxFrames()).isEqualTo(20);
  }

  /**
   * The far end sends faster than the port's worker takes (here: not at all, the device is
   * suspended): the inbox fills, the far end is told FULL and keeps its frame, and once the worker
   * has drained it calls the far end back; every frame reaches the driver, none is dropped.
   */
  @Test
  void aFullInboxTellsTheFarEndFullAndCallsItBackOnceDrained() throws InterruptedException {
    SimNetDevice a = create("fe", 9000);
    NetTestDriver da = new NetTestDriver(a, NetTestDriver.baseFeatures(), 256, 9100, 16).start(1);
    PortEnd mine = board.end("fe");
    board.join("fe", far);
    long macA = Devices.mac(a).value();
    a.suspend();
    RecordingPortEnd.Offered offered = RecordingPortEnd.offerUntilFull(mine, i -> NetTestDriver.frame(macA, 60 + i, i), 1000);
    java.util.List<byte[]> sent = new java.util.ArrayList<>(offered.taken());
    byte[] held = offered.held();
    assertThat(held).as("the inbox filled while the worker was suspended").isNotNull();
    assertThat(far.roomMade.availablePermits()).isZero();
    a.resume();
    assertThat(far.roomMade.tryAcquire(NetTestDriver.TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
        .as("the port called the far end back").isTrue();
    assertThat(RecordingPortEnd.offer(mine, held)).isEqualTo(Delivery.TAKEN);
    sent.add(held);
    for (byte[] f : sent) {
      assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
    }
    assertThat(a.portCounters().rxFrames()).isEqualTo(sent.size());
    assertThat(a.portCounters().rxDrops()).isZero();
  }

  /** The far end is full: the port's worker holds the frames, drops none, and sends them when called back. */
  @Test
  void aFullFarEndHoldsTheSenderUntilItMakesRoom() throws InterruptedException {
    SimNetDevice a = create("ff");
    NetTestDriver da = new NetTestDriver(a, NetTestDriver.baseFeatures(), 128, 2048, 16).start(1);
    PortEnd mine = board.end("ff");
    board.join("ff", far);
    far.full = true;
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] f = NetTestDriver.frame(0x02_00_00_00_00_99L, 60 + i, i);
      out.add(f);
      da.send(0, f);
    }
    assertThat(far.next(200)).as("nothing crosses while the far end is full").isNull();
    far.full = false;
    mine.roomMade();
    for (byte[] f : out) {
      assertThat(far.next(NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
    }
    // the worker counts a pass's frames once the pass is done, just after the far end has them
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(NetTestDriver.TIMEOUT_MS);
    while (a.portCounters().txFrames() < 5 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(a.portCounters().txFrames()).isEqualTo(5);
    assertThat(a.portCounters().txDrops()).isZero();
  }

  @Test
  void aCabledPortRefusesAnotherCableNamingItself() {
    create("fb");
    create("fc");
    board.join("fb", far);
    assertThatThrownBy(() -> board.end("fb")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port fb is cabled to enp3s0f0np0 already; unplug it first");
    board.cable("fc", "fb");
    assertThat(board.port("fb").peer()).isEqualTo("fc");
    // replugged by the simulated cable: the far end was told once
    assertThat(far.unplugs).hasValue(1);
    assertThatThrownBy(() -> PortControl.cable(board, "fc", board, "fc")).hasMessage("cannot cable port fc to itself");
  }

  @Test
  void deletingTheDeviceUnplugsTheFarEndAndTheFarEndUnpluggingLeavesLoopback() {
    SimNetDevice d = create("fd");
    board.join("fd", far);
    board.detach(d);
    assertThat(far.unplugs).hasValue(1);

    SimNetDevice e = create("fe");
    PortEnd mine = board.end("fe");
    board.join("fe", far);
    mine.unplugged();
    assertThat(board.port("fe").wire()).isEqualTo(WireKind.LOOPBACK);
    assertThat(e.port().wire()).isInstanceOf(Loopback.class);
    assertThat(RecordingPortEnd.send(mine, NetTestDriver.frame(Devices.mac(e).value(), 60, 1))).isFalse();
    // it does not call back the end that unplugged first
    assertThat(far.unplugs).hasValue(1);
  }
}
