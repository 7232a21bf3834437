package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.WireKind;
import net.vdpa.testkit.NetTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port settings kept by device name and given back when the device appears again. */
class PortKeepingTest {
  private final MemoryPortStore store = new MemoryPortStore();
  private final List<SimNetManager> managers = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void tearDown() {
    for (SimNetManager m : managers) {
      m.close();
    }
  }

  /** A management device as the bundle would start it, over the shared store. */
  private SimNetManager start() {
    SimNetManager m = new SimNetManager((d, p) -> () -> { }, EventLog.NONE, store);
    managers.add(m);
    return m;
  }

  @Test
  void cablesCapturesAndLinkStateComeBackAfterARestart() throws IOException {
    store.keptDevices.addAll(List.of("left", "right", "cap"));
    SimNetManager first = start();
    first.devAdd(DevConfig.named("left"));
    first.devAdd(DevConfig.named("right"));
    first.devAdd(DevConfig.named("cap"));
    Path file = dir.resolve("cap.pcap");
    first.ports().cable("left", "right");
    first.ports().capture("cap", file);
    first.ports().setLink("right", false);
    first.close();

    SimNetManager second = start();
    VdpaDevice left = second.devAdd(DevConfig.named("left"));
    // the peer is not there yet: the cable waits, frames sent into it are dropped and counted
    assertThat(second.ports().wire("left")).isEqualTo("cable right (waiting for right)");
    assertThat(second.ports().port("left")).isEqualTo(new PortState("left", WireKind.CABLE, "right", null, true, true, false));
    assertThat(second.ports().port("right")).isEqualTo(new PortState("right", WireKind.CABLE, "left", null, false, false, false));
    NetTestDriver dl = new NetTestDriver(left, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    dl.send(0, NetTestDriver.frame(0x02_0000_0000_01L, 64, 1));
    dl.awaitTxDone(0);
    assertThat(left.vendorVqStats(1)).containsEntry("tx_drops", 1L);

    VdpaDevice right = second.devAdd(DevConfig.named("right"));
    assertThat(second.ports().wire("left")).isEqualTo("cable right");
    assertThat(second.ports().wire("right")).isEqualTo("cable left");
    assertThat(second.ports().port("right").connected()).isTrue();
    assertThat(second.find("right").port().linkUp()).isFalse();
    assertThat(second.find("left").port().linkUp()).isTrue();
    second.ports().setLink("right", true);
    NetTestDriver dr = new NetTestDriver(right, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    byte[] f = NetTestDriver.frame(SimNetManager.defaultMac("right").value(), 80, 2);
    dl.send(0, f);
    assertThat(dr.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);

    VdpaDevice cap = second.devAdd(DevConfig.named("cap"));
    assertThat(second.ports().wire("cap")).isEqualTo("capture " + file.toAbsolutePath().normalize());
    long before = Files.size(file);
    NetTestDriver dc = new NetTestDriver(cap, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    dc.send(0, NetTestDriver.frame(0x02_0000_0000_01L, 64, 3));
    dc.awaitTxDone(0);
    // appended, not truncated: one record more after the header kept from the first run
    assertThat(Files.size(file)).isEqualTo(before + 16 + 64);
    assertThat(WireTest.readPcap(file)).hasSize(1);
  }

  @Test
  void deletingAKeptDeviceLeavesItsCableWaiting() {
    store.keptDevices.addAll(List.of("k0", "k1"));
    SimNetManager m = start();
    m.devAdd(DevConfig.named("k0"));
    m.devAdd(DevConfig.named("k1"));
    m.ports().cable("k0", "k1");
    m.devDel("k1"); // as when its configuration is changed and the device created again
    assertThat(m.ports().wire("k0")).isEqualTo("cable k1 (waiting for k1)");
    m.devAdd(DevConfig.named("k1"));
    assertThat(m.ports().wire("k0")).isEqualTo("cable k1");
  }

  @Test
  void deletingADeviceThatWillNotComeBackForgetsItsPortAndFreesThePeer() {
    SimNetManager m = start();
    m.devAdd(DevConfig.named("f0"));
    m.devAdd(DevConfig.named("f1"));
    m.ports().cable("f0", "f1");
    m.ports().setLink("f1", false);
    m.devDel("f1");
    assertThat(m.ports().wire("f0")).isEqualTo("loopback");
    assertThat(store.kept).doesNotContainKey("f1").doesNotContainKey("f0");
    assertThatThrownBy(() -> m.ports().port("f1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("there is no simulated NIC named 'f1' and no port kept for it");
    m.devAdd(DevConfig.named("f1"));
    assertThat(m.ports().wire("f1")).isEqualTo("loopback");
    assertThat(m.find("f1").port().linkUp()).isTrue();
  }

  @Test
  void recablingOneEndSendsItsOldPeerBackToLoopbackAndKeepsThat() {
    SimNetManager m = start();
    for (String n : List.of("r0", "r1", "r2")) {
      m.devAdd(DevConfig.named(n));
    }
    m.ports().cable("r0", "r1");
    m.ports().cable("r0", "r2");
    assertThat(m.ports().wire("r1")).isEqualTo("loopback");
    assertThat(store.kept.keySet()).containsExactlyInAnyOrder("r0", "r2");
    assertThat(m.ports().ports()).extracting(PortState::port, PortState::wire, PortState::peer).containsExactly(
        org.assertj.core.groups.Tuple.tuple("r0", WireKind.CABLE, "r2"),
        org.assertj.core.groups.Tuple.tuple("r1", WireKind.LOOPBACK, null),
        org.assertj.core.groups.Tuple.tuple("r2", WireKind.CABLE, "r0"));
    m.ports().loopback("r2");
    assertThat(m.ports().wire("r0")).isEqualTo("loopback");
    assertThat(store.kept).isEmpty();
  }

  @Test
  void aCaptureRestoredOntoSomeoneElsesFileLeavesThePortInLoopback() throws IOException {
    Path file = dir.resolve("notpcap.txt");
    Files.writeString(file, "not a capture, not to be overwritten\n");
    store.kept.put("p0", new PortSetting("p0", WireKind.CAPTURE, null, file, true, null));
    List<String> warnings = new ArrayList<>();
    SimNetManager m = new SimNetManager((d, p) -> () -> { }, new EventLog() {
      @Override
      public void info(String message) {}

      @Override
      public void warn(String message) {
        warnings.add(message);
      }
    }, store);
    managers.add(m);
    m.devAdd(DevConfig.named("p0"));
    assertThat(m.ports().wire("p0")).isEqualTo("loopback");
    assertThat(Files.readString(file)).isEqualTo("not a capture, not to be overwritten\n");
    assertThat(warnings).singleElement().asString().startsWith("device p0: capture file " + file.toAbsolutePath().normalize()
        + " cannot be opened (it is not a pcap file");
  }

  @Test
  void keptSettingsReadBackWholeOrAreRefusedByName() {
    PortSetting s = new PortSetting("a", WireKind.CABLE, "b", null, false, null);
    assertThat(PortSetting.from(s.toProperties())).isEqualTo(s);
    Hashtable<String, Object> bad = new Hashtable<>();
    bad.put("device", "a");
    bad.put("wire", "coax");
    assertThatThrownBy(() -> PortSetting.from(bad)).hasMessage("wire 'coax' is not loopback, cable, capture, udp or stream");
    bad.put("wire", "cable");
    assertThatThrownBy(() -> PortSetting.from(bad)).hasMessage("port a: a cable needs a peer");
    bad.put("peer", "b");
    bad.put("link", "sideways");
    assertThatThrownBy(() -> PortSetting.from(bad)).hasMessage("link 'sideways' is not up or down");
  }

  @Test
  void socketWiresAreKeptAsAddressesAndBoundAgainAfterARestart() throws IOException {
    store.keptDevices.add("net0");
    SimNetManager first = start();
    first.devAdd(DevConfig.named("net0"));
    int local = SocketWireTest.freePort();
    int remote = SocketWireTest.freePort();
    first.ports().socket("net0", WireKind.UDP, SocketAddresses.udp(SocketWireTest.at(local), SocketWireTest.at(remote)));
    PortSetting kept = store.kept.get("net0");
    assertThat(kept.toProperties().get("local")).isEqualTo("127.0.0.1:" + local);
    assertThat(kept.toProperties().get("remote")).isEqualTo("127.0.0.1:" + remote);
    assertThat(PortSetting.from(kept.toProperties())).isEqualTo(kept);
    first.close();

    SimNetManager second = start();
    second.devAdd(DevConfig.named("net0"));
    assertThat(second.ports().wire("net0")).isEqualTo("udp local 127.0.0.1:" + local + " remote 127.0.0.1:" + remote);
    // bound again: nobody else can take the address now
    assertThatThrownBy(() -> new java.net.DatagramSocket(SocketWireTest.at(local)).close())
        .isInstanceOf(java.net.BindException.class);
    second.ports().socket("net0", WireKind.STREAM, SocketAddresses.listen(SocketWireTest.at(local)));
    assertThat(second.ports().wire("net0")).isEqualTo("stream listen 127.0.0.1:" + local);
    assertThat(PortSetting.from(store.kept.get("net0").toProperties())).isEqualTo(store.kept.get("net0"));
    second.ports().loopback("net0");
    // the udp socket and the listener are closed: the address is free
    new java.net.DatagramSocket(SocketWireTest.at(local)).close();
    new java.net.ServerSocket(local, 1, java.net.InetAddress.getLoopbackAddress()).close();
  }

  @Test
  void keptSocketAddressesReadBackOrAreRefusedByName() {
    Hashtable<String, Object> p = new Hashtable<>();
    p.put("device", "a");
    p.put("wire", "udp");
    p.put("local", "127.0.0.1:5555");
    assertThatThrownBy(() -> PortSetting.from(p)).hasMessage("port a: a udp wire needs a local and a remote address");
    p.put("remote", "127.0.0.1:70000");
    assertThatThrownBy(() -> PortSetting.from(p)).hasMessage("address '127.0.0.1:70000': port 70000 is out of range 1..65535");
    p.put("remote", "5556");
    assertThat(PortSetting.from(p).socket().remote()).isEqualTo(SocketWireTest.at(5556));
    p.put("wire", "stream");
    assertThatThrownBy(() -> PortSetting.from(p)).hasMessage("port a: a stream wire listens or connects, not both");
    p.remove("local");
    p.remove("remote");
    assertThatThrownBy(() -> PortSetting.from(p)).hasMessage("port a: a stream wire needs local or remote");
  }
}
