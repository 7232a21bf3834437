package net.vdpa.device.smartnic;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.NetTestDriver;
import net.vdpa.testkit.ThreadAllocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Devices on three VFs, driven through their virtqueues, exchange frames through the legacy switch. */
class VfToVfTest {
  private final TestAdapters t = new TestAdapters();
  private FunctionDevice a;
  private FunctionDevice b;
  private FunctionDevice c;
  private NetTestDriver da;
  private NetTestDriver db;
  private NetTestDriver dc;

  @AfterEach
  void tearDown() {
    t.close();
  }

  private FunctionDevice add(String vf, String name, String mac) {
    return (FunctionDevice) t.mgmtdevs.get(vf).devAdd(new DevConfig(name, MacAddress.parse(mac), null, null, null));
  }

  private void start() {
    t.standard().setNumVfs(3);
    a = add("pci/0000:03:00.2", "va", "02:00:00:00:00:0a");
    b = add("pci/0000:03:00.3", "vb", "02:00:00:00:00:0b");
    c = add("pci/0000:03:00.4", "vc", "02:00:00:00:00:0c");
    long features = NetTestDriver.baseFeatures() | NetTestDriver.f(VirtioNet.F_MRG_RXBUF, VirtioNet.F_EVENT_IDX);
    da = new NetTestDriver(a, features, 256, 2048, 16).start(1);
    db = new NetTestDriver(b, features, 256, 2048, 16).start(1);
    dc = new NetTestDriver(c, features, 256, 2048, 16).start(1);
  }

  private static final long A = 0x02_00_00_00_00_0aL;
  private static final long B = 0x02_00_00_00_00_0bL;
  private static final long C = 0x02_00_00_00_00_0cL;

  @Test
  void framesGoOnlyToTheVfThatOwnsTheAddress() {
    start();
    // B has sent nothing yet, but its device's address is on its port (static): C never sees it
    byte[] first = NetTestDriver.frame(B, A, 60, 1);
    da.send(0, first);
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(first);
    // B answers; A is known, so only A gets it
    for (int i = 0; i < 50; i++) {
      byte[] ba = NetTestDriver.frame(A, B, 60 + 29 * i, i);
      db.send(0, ba);
      assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ba);
      byte[] ab = NetTestDriver.frame(B, A, 1514 - 29 * i, i);
      da.send(0, ab);
      assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ab);
    }
    assertThat(dc.receive(0, 50)).isNull();
    assertThat(c.vendorVqStats(VirtioNet.rxq(0))).containsEntry("rx_drops", 0L).containsEntry("rx_packets", 0L);
    assertThat(a.vendorVqStats(VirtioNet.txq(0))).containsEntry("tx_packets", 51L);
    Adapter ad = t.adapters.adapter("pci/0000:03:00.0");
    assertThat(ad.vfCounters(0).txFrames()).isEqualTo(51);
    assertThat(ad.vfCounters(1).rxFrames()).isEqualTo(51);
    assertThat(ad.vfCounters(1).rxBytes()).isEqualTo(ad.vfCounters(0).txBytes());
    assertThat(b.vendorVqStats(VirtioNet.rxq(0))).containsEntry("rx_packets", 51L);
    // a broadcast reaches both others
    byte[] bc = NetTestDriver.frame(0xffff_ffff_ffffL, C, 100, 3);
    dc.send(0, bc);
    assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(bc);
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(bc);
  }

  @Test
  void aBurstToASlowReceiverIsHeldInTheSwitchNotDropped() throws InterruptedException {
    start();
    int n = 3000;
    byte[] f = NetTestDriver.frame(B, A, 60, 1);
    Thread sender = new Thread(() -> {
      for (int i = 0; i < n; i++) {
        da.send(0, f);
      }
    });
    sender.start();
    int got = 0;
    while (db.receive(0, 500) != null) {
      got++;
    }
    sender.join(NetTestDriver.TIMEOUT_MS);
    // the switch held what B's inbox could not take; what B's driver had no buffer for is B's overrun
    assertThat(a.vendorVqStats(VirtioNet.txq(0))).containsEntry("tx_packets", (long) n).containsEntry("tx_drops", 0L);
    long overruns = b.vendorVqStats(VirtioNet.rxq(0)).get("rx_overruns");
    assertThat(got + overruns).isEqualTo(n);
    assertThat(b.port().txDropped()).isZero();
  }

  @Test
  void anAddressTheDriverSetsMovesWithIt() {
    start();
    long moved = 0x02_00_00_00_00_77L;
    byte[] mac = new byte[6];
    for (int i = 0; i < 6; i++) {
      mac[i] = (byte) (moved >>> (40 - 8 * i));
    }
    assertThat(db.control(VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_ADDR_SET, mac)).isEqualTo(VirtioNet.CTRL_OK);
    byte[] f = NetTestDriver.frame(moved, A, 60, 1);
    da.send(0, f);
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
    assertThat(dc.receive(0, 50)).isNull();
    assertThat(a.port().receiver()).isSameAs(a);
  }

  @Test
  void vfsInDifferentVlansDoNotSeeEachOther() {
    start();
    Adapter ad = t.adapters.adapter("pci/0000:03:00.0");
    ad.setVf(0, null, 10, null, null);
    ad.setVf(1, null, 10, null, null);
    ad.setVf(2, null, 20, null, null);
    byte[] bc = NetTestDriver.frame(0xffff_ffff_ffffL, A, 100, 1);
    da.send(0, bc);
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).as("same VLAN, untagged").isEqualTo(bc);
    assertThat(dc.receive(0, 50)).as("another VLAN").isNull();
    byte[] toA = NetTestDriver.frame(A, C, 60, 2);
    dc.send(0, toA);
    assertThat(da.receive(0, 50)).as("A is not in C's VLAN").isNull();
    // C joins VLAN 10: now it reaches A
    ad.setVf(2, null, 10, null, null);
    dc.send(0, toA);
    assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(toA);
  }

  @Test
  void aSpoofCheckedVfCannotSendFromAnotherAddress() {
    start();
    t.adapters.adapter("pci/0000:03:00.0").setVf(0, null, null, true, null);
    byte[] spoofed = NetTestDriver.frame(B, C, 60, 1);
    da.send(0, spoofed);
    assertThat(db.receive(0, 200)).isNull();
    assertThat(a.port().spoofDropped()).isEqualTo(1);
    assertThat(t.adapters.adapter("pci/0000:03:00.0").vfCounters(0).txDrops()).isEqualTo(1);
    byte[] own = NetTestDriver.frame(B, A, 60, 2);
    da.send(0, own);
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(own);
  }

  @Test
  void anUntrustedVfKeepsTheAddressItsAdministratorSet() {
    Adapter ad = t.standard();
    ad.setNumVfs(1);
    ad.setVf(0, MacAddress.parse("02:00:00:00:00:aa"), null, null, null);
    FunctionDevice d = (FunctionDevice) t.mgmtdevs.get("pci/0000:03:00.2").devAdd(DevConfig.named("adm"));
    NetTestDriver dd = new NetTestDriver(d, NetTestDriver.baseFeatures(), 64, 2048, 4).start(1);
    byte[] other = {2, 0, 0, 0, 0, (byte) 0xbb};
    assertThat(dd.control(VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_ADDR_SET, other)).isEqualTo(VirtioNet.CTRL_ERR);
    ad.setVf(0, null, null, null, true);
    assertThat(dd.control(VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_ADDR_SET, other)).isEqualTo(VirtioNet.CTRL_OK);
  }

  @Test
  void aDeletedDeviceGetsNothingAndItsThreadsEnd() {
    start();
    da.send(0, NetTestDriver.frame(0xffff_ffff_ffffL, A, 60, 1));
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isNotNull();
    t.mgmtdevs.get("pci/0000:03:00.3").devDel("vb");
    da.send(0, NetTestDriver.frame(B, A, 60, 2));
    assertThat(dc.receive(0, NetTestDriver.TIMEOUT_MS)).as("B's port has no device now: flooded to C").isNotNull();
    assertThat(threads("vb")).isEmpty();
  }

  @Test
  void workersAllocateNothingPerSwitchedFrame() {
    Assumptions.assumeTrue(ThreadAllocation.available(), "no per-thread allocation counter in this JVM");
    start();
    byte[] f = NetTestDriver.frame(B, A, 1514, 1);
    db.send(0, NetTestDriver.frame(A, B, 60, 0));
    da.receive(0, NetTestDriver.TIMEOUT_MS);
    for (int i = 0; i < 2000; i++) {
      da.send(0, f);
      db.receive(0, NetTestDriver.TIMEOUT_MS);
    }
    Thread ta = ThreadAllocation.named(FunctionDevice.THREAD_PREFIX + "va-qp0");
    Thread tb = ThreadAllocation.named(FunctionDevice.THREAD_PREFIX + "vb-qp0");
    long before = ThreadAllocation.allocated(ta) + ThreadAllocation.allocated(tb);
    int frames = 5000;
    for (int i = 0; i < frames; i++) {
      da.send(0, f);
      assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).hasSize(1514);
    }
    long after = ThreadAllocation.allocated(ta) + ThreadAllocation.allocated(tb);
    assertThat((after - before) / frames).as("bytes allocated per frame by the workers").isZero();
  }

  private static java.util.List<String> threads(String device) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith(FunctionDevice.THREAD_PREFIX + device + "-qp")).toList();
  }
}
