package net.vdpa.device.smartnic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.port.Delivery;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortEnd;
import net.vdpa.api.port.WireKind;
import net.vdpa.testkit.NetTestDriver;
import net.vdpa.testkit.RecordingPortEnd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An adapter's uplink as a port: cabled to a far end, captured, its link followed by the VFs. */
class UplinkTest {
  private static final long VF = 0x02_00_00_00_00_0aL;
  private static final long OUTSIDE = 0x02_00_00_00_00_99L;
  private final TestAdapters t = new TestAdapters();
  private final UplinkBoard board = new UplinkBoard(t.adapters);
  private final RecordingPortEnd far = new RecordingPortEnd("sim0");
  private FunctionDevice vf;
  private NetTestDriver driver;
  private String uplink;

  @TempDir
  Path dir;

  @AfterEach
  void tearDown() {
    t.close();
  }

  private void start() {
    start(null, 128, 2048);
  }

  private void start(Integer mtu, int qsize, int rxBufLen) {
    t.standard().setNumVfs(1);
    vf = (FunctionDevice) t.mgmtdevs.get("pci/0000:03:00.2")
        .devAdd(new DevConfig("v0", new MacAddress(VF), mtu, null, null));
    driver = new NetTestDriver(vf, NetTestDriver.baseFeatures(), qsize, rxBufLen, 16).start(1);
    uplink = board.ports().get(0).port();
  }

  /** The switch learns OUTSIDE behind the uplink and VF behind its port: unicast frames may wait. */
  private void learn(PortEnd mine) throws InterruptedException {
    byte[] in = NetTestDriver.frame(VF, OUTSIDE, 60, 0);
    assertThat(RecordingPortEnd.send(mine, in)).isTrue();
    assertThat(driver.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(in);
    byte[] out = NetTestDriver.frame(OUTSIDE, VF, 60, 1);
    driver.send(0, out);
    assertThat(far.next(NetTestDriver.TIMEOUT_MS)).isEqualTo(out);
  }

  @Test
  void aFullFarEndHoldsTheFunctionUntilItMakesRoomAndNothingIsDropped() throws InterruptedException {
    start();
    PortEnd mine = board.end(uplink);
    board.join(uplink, far);
    learn(mine);
    far.full = true;
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] f = NetTestDriver.frame(OUTSIDE, VF, 100 + i, 10 + i);
      out.add(f);
      driver.send(0, f);
    }
    assertThat(far.next(200)).as("nothing crosses while the far end is full").isNull();
    far.full = false;
    mine.roomMade();
    for (byte[] f : out) {
      assertThat(far.next(NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
    }
    assertThat(board.counters(uplink).txDrops()).isZero();
  }

  @Test
  void aFullFunctionInboxTellsTheFarEndFullAndCallsItBackOnceDrained() throws InterruptedException {
    start(9000, 256, 9100); // 64 inbox slots of a 9000-byte MTU, 256 receive buffers
    PortEnd mine = board.end(uplink);
    board.join(uplink, far);
    learn(mine);
    vf.suspend();
    RecordingPortEnd.Offered offered =
        RecordingPortEnd.offerUntilFull(mine, i -> NetTestDriver.frame(VF, OUTSIDE, 60 + i, 100 + i), 1000);
    java.util.List<byte[]> sent = new java.util.ArrayList<>(offered.taken());
    byte[] held = offered.held();
    assertThat(held).as("the function's inbox filled while it was suspended").isNotNull();
    vf.resume();
    assertThat(far.roomMade.tryAcquire(NetTestDriver.TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
        .as("the uplink called the far end back").isTrue();
    assertThat(RecordingPortEnd.offer(mine, held)).isEqualTo(Delivery.TAKEN);
    sent.add(held);
    for (byte[] f : sent) {
      assertThat(driver.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
    }
    assertThat(board.counters(uplink).rxDrops()).isZero();
  }

  private int linkBit() {
    ByteBuffer b = ByteBuffer.allocate(2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    vf.getConfig(6, b);
    return b.getShort(0) & 1;
  }

  @Test
  void anUnpluggedUplinkHasNoCarrierAndDropsWhatTheSwitchSendsIt() {
    start();
    assertThat(board.port(uplink).wire()).isEqualTo(WireKind.NONE);
    assertThat(board.port(uplink).connected()).isFalse();
    assertThat(board.owns(uplink)).isTrue();
    assertThat(board.owns("eth9")).isFalse();
    assertThatThrownBy(() -> board.loopback(uplink)).hasMessageContaining("has no loopback");
    assertThatThrownBy(() -> board.end("eth9")).hasMessage("there is no SmartNIC uplink named 'eth9'");
  }

  @Test
  void framesCrossTheUplinkBothWaysAndAreCounted() throws InterruptedException {
    start();
    PortEnd mine = board.end(uplink);
    board.join(uplink, far);
    assertThat(board.port(uplink).peer()).isEqualTo("sim0");
    for (int i = 0; i < 10; i++) {
      byte[] out = NetTestDriver.frame(OUTSIDE, VF, 60 + 100 * i, i);
      driver.send(0, out);
      assertThat(far.next(NetTestDriver.TIMEOUT_MS)).isEqualTo(out);
      byte[] in = NetTestDriver.frame(VF, OUTSIDE, 60 + 100 * i, i);
      assertThat(RecordingPortEnd.send(mine, in)).isTrue();
      assertThat(driver.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(in);
    }
    PortCounters c = board.counters(uplink);
    assertThat(c.txFrames()).isEqualTo(10);
    assertThat(c.rxFrames()).isEqualTo(10);
    assertThat(c.rxBytes()).isEqualTo(c.txBytes());
    assertThat(c.rxDrops()).isZero();
    assertThat(c.txDrops()).isZero();
    // the far end refusing a frame is a transmit drop at the uplink
    far.taking = false;
    driver.send(0, NetTestDriver.frame(OUTSIDE, VF, 60, 99));
    long until = System.currentTimeMillis() + NetTestDriver.TIMEOUT_MS;
    while (board.counters(uplink).txDrops() == 0 && System.currentTimeMillis() < until) {
      Thread.onSpinWait();
    }
    assertThat(board.counters(uplink).txDrops()).isEqualTo(1);
  }

  @Test
  void aCabledUplinkRefusesAnotherCableNamingItself() {
    start();
    board.join(uplink, far);
    assertThatThrownBy(() -> board.end(uplink)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port " + uplink + " is cabled to sim0 already; unplug it first");
    assertThatThrownBy(() -> board.join(uplink, new RecordingPortEnd("sim1")))
        .hasMessage("port " + uplink + " is cabled to sim0 already; unplug it first");
    assertThat(far.unplugs).hasValue(0);
  }

  @Test
  void uplinkLinkDownClearsEveryVfsLinkBitWithAConfigInterrupt() {
    start();
    assertThat(linkBit()).isEqualTo(1);
    int before = driver.configChanges.get();
    board.setLink(uplink, false);
    assertThat(linkBit()).isZero();
    assertThat(driver.configChanges.get()).isEqualTo(before + 1);
    assertThat(board.port(uplink).linkUp()).isFalse();
    board.setLink(uplink, true);
    assertThat(linkBit()).isEqualTo(1);
    assertThat(driver.configChanges.get()).isEqualTo(before + 2);
  }

  @Test
  void aDeviceAddedWhileTheUplinkIsDownStartsWithTheLinkDown() {
    t.standard().setNumVfs(2);
    uplink = board.ports().get(0).port();
    board.setLink(uplink, false);
    vf = (FunctionDevice) t.mgmtdevs.get("pci/0000:03:00.3").devAdd(new DevConfig("v1", null, null, null, null));
    assertThat(linkBit()).isZero();
  }

  @Test
  void unpluggingTellsTheFarEndOnceAndSoDoesTheAdapterGoingAway() {
    start();
    board.join(uplink, far);
    board.unplug(uplink);
    assertThat(far.unplugs).hasValue(1);
    assertThat(board.port(uplink).wire()).isEqualTo(WireKind.NONE);
    RecordingPortEnd second = new RecordingPortEnd("sim1");
    board.join(uplink, second);
    t.adapters.close();
    assertThat(second.unplugs).hasValue(1);
    assertThat(far.unplugs).hasValue(1);
  }

  @Test
  void theFarEndUnpluggingLeavesTheUplinkWithoutCarrier() {
    start();
    PortEnd mine = board.end(uplink);
    board.join(uplink, far);
    mine.unplugged();
    assertThat(board.port(uplink).wire()).isEqualTo(WireKind.NONE);
    assertThat(RecordingPortEnd.send(mine, NetTestDriver.frame(VF, OUTSIDE, 60, 1))).isFalse();
    assertThat(board.counters(uplink).rxDrops()).isEqualTo(1);
    assertThat(far.unplugs).hasValue(0);
  }

  @Test
  void aCaptureRecordsWhatTheSwitchSendsOutOfTheUplink() throws Exception {
    start();
    Path file = dir.resolve("up.pcap");
    board.capture(uplink, file);
    assertThat(board.port(uplink).file()).isEqualTo(file);
    byte[] out = NetTestDriver.frame(0xffff_ffff_ffffL, VF, 100, 7);
    driver.send(0, out);
    long until = System.currentTimeMillis() + NetTestDriver.TIMEOUT_MS;
    while (Files.size(file) < 24 + 16 + 100 && System.currentTimeMillis() < until) {
      Thread.onSpinWait();
    }
    byte[] pcap = Files.readAllBytes(file);
    assertThat(pcap).hasSize(24 + 16 + 100);
    assertThat(java.util.Arrays.copyOfRange(pcap, 40, 140)).isEqualTo(out);
    assertThat(board.counters(uplink).txFrames()).isEqualTo(1);
  }

  @Test
  void theUplinksOfTwoAdaptersCarryFramesBetweenTheirVfs() {
    start();
    t.adapters.update("a2", new AdapterConfig(PciAddress.parse("0000:04:00.0"), 2, 4, 4, 4, 100_000));
    Adapter second = t.adapters.adapter("pci/0000:04:00.0");
    second.setNumVfs(1);
    long other = 0x02_00_00_00_00_0bL;
    FunctionDevice vf2 = (FunctionDevice) t.mgmtdevs.get("pci/0000:04:00.2")
        .devAdd(new DevConfig("w0", new MacAddress(other), null, null, null));
    NetTestDriver driver2 = new NetTestDriver(vf2, NetTestDriver.baseFeatures(), 128, 2048, 16).start(1);
    assertThat(board.ports()).extracting(p -> p.port()).containsExactly(uplink, "enp4s0f0np0", "enp4s0f0np1");
    board.cable(uplink, "enp4s0f0np1");
    assertThat(board.port("enp4s0f0np1").peer()).isEqualTo(uplink);
    for (int i = 0; i < 20; i++) {
      byte[] ab = NetTestDriver.frame(other, VF, 60 + 70 * i, i);
      driver.send(0, ab);
      assertThat(driver2.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ab);
      byte[] ba = NetTestDriver.frame(VF, other, 60 + 70 * i, i);
      driver2.send(0, ba);
      assertThat(driver.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ba);
    }
    assertThat(board.counters(uplink).txFrames()).isEqualTo(board.counters("enp4s0f0np1").rxFrames()).isEqualTo(20);
    assertThat(board.counters(uplink).rxBytes()).isEqualTo(board.counters("enp4s0f0np1").txBytes());
    // the second adapter's link follows its own uplinks only: one of two down leaves its VF up
    board.setLink("enp4s0f0np0", false);
    ByteBuffer b = ByteBuffer.allocate(2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    vf2.getConfig(6, b);
    assertThat(b.getShort(0) & 1).isEqualTo(1);
    // deleting the second adapter unplugs the first's uplink
    t.adapters.delete("a2");
    assertThat(board.port(uplink).wire()).isEqualTo(WireKind.NONE);
  }
}
