package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
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
    SimNetDevice d = devices.create(name, 1500, 1);
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
