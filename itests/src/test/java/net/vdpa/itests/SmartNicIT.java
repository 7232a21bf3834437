package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.devlink.Devlink;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.net.HashReceiver;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetInterface.SendResult;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

/**
 * The SmartNIC adapter in a real framework: an adapter from a factory configuration, VFs and an SF
 * as management devices, virtio_net interfaces on two VFs exchanging frames through the legacy
 * switch, and the bundle stopped and uninstalled under traffic (every device leaves through the bus,
 * no worker thread survives) and brought back with its VFs, SFs and devices.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SmartNicIT extends BusTestSupport {
  private static final String DEV = "pci/0000:05:00.0";

  @Override
  protected Option[] extraOptions() {
    return new Option[] {reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"),
        reactorBundle("vdpa.bundle.smartnic"), reactorBundle("vdpa.bundle.virtionet"), reactorBundle("vdpa.bundle.config"),
        org.ops4j.pax.exam.CoreOptions.mavenBundle("net.java.dev.jna", "jna").versionAsInProject(),
        reactorBundle("vdpa.bundle.unix"), reactorBundle("vdpa.bundle.vhost"), reactorBundle("vdpa.bundle.testpmd")};
  }

  private Devlink adapter() throws Exception {
    return adapter(2);
  }

  private Devlink adapter(int queuePairs) throws Exception {
    Configuration c = configAdmin.getFactoryConfiguration("net.vdpa.smartnic.adapter", "it", "?");
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("pci", "0000:05:00.0");
    p.put("max_vfs", 4);
    p.put("queue_pairs", queuePairs);
    c.update(p);
    Devlink d = service(Devlink.class);
    await("adapter " + DEV, () -> d.owns(DEV));
    return d;
  }

  private VdpaMgmtDevice mgmtdev(String handle) throws Exception {
    return tracked(VdpaMgmtDevice.class, VdpaMgmtDevice.PROP_HANDLE + "=" + handle, "management device " + handle);
  }

  private static List<String> workerThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("smartnic-")).toList();
  }

  /** Two VFs with devices bound to virtio_net, and a third that must not see their unicast frames. */
  private NetInterface[] threeVfs(Devlink d) throws Exception {
    d.setNumVfs(DEV, 3);
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    mgmtdev("pci/0000:05:00.4");
    store.add("pci/0000:05:00.2", new DevConfig("vfa", MacAddress.parse("02:00:00:00:05:0a"), null, 2, null));
    store.add("pci/0000:05:00.3", new DevConfig("vfb", MacAddress.parse("02:00:00:00:05:0b"), null, null, null));
    store.add("pci/0000:05:00.4", new DevConfig("vfc", MacAddress.parse("02:00:00:00:05:0c"), null, null, null));
    awaitBound("vfa", "virtio_net");
    awaitBound("vfb", "virtio_net");
    awaitBound("vfc", "virtio_net");
    return new NetInterface[] {iface("vfa"), iface("vfb"), iface("vfc")};
  }

  @Test
  public void twoVfsExchangeFramesThroughTheLegacySwitchAndAThirdSeesNone() throws Exception {
    NetInterface[] i = threeVfs(adapter());
    AtomicLong atC = new AtomicLong();
    i[1].setReceiver((pair, f) -> { });
    i[0].setReceiver((pair, f) -> { });
    i[2].setReceiver((pair, f) -> atC.incrementAndGet());
    send(i[0], i[1], 2000);
    send(i[1], i[0], 500);
    await("2000 frames at vfb (now " + i[1].stats().rxPackets() + ")", () -> i[1].stats().rxPackets() == 2000);
    await("500 frames at vfa (now " + i[0].stats().rxPackets() + ")", () -> i[0].stats().rxPackets() == 500);
    assertEquals(0, atC.get());
    assertEquals(0, i[2].stats().rxPackets());
    // a broadcast reaches both others
    i[2].send(0, frame(new MacAddress(0xffff_ffff_ffffL), i[2].mac(), 64));
    await("the broadcast at vfa and vfb", () -> i[0].stats().rxPackets() == 501 && i[1].stats().rxPackets() == 2001);
  }

  /** An IPv4 UDP frame of one flow (its source port), 64 bytes. */
  private static ByteBuffer udp(MacAddress dst, MacAddress src, int srcPort) {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put(dst.toBytes()).put(src.toBytes()).putShort((short) 0x0800);
    b.put((byte) 0x45).put((byte) 0).putShort((short) 50).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
    b.put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
    b.putShort((short) srcPort).putShort((short) 4789).putShort((short) 30).putShort((short) 0);
    while (b.hasRemaining()) {
      b.put((byte) 0);
    }
    return b.flip();
  }

  private static long[] rxPerPair(NetInterface i) {
    long[] n = new long[i.queuePairs()];
    for (int p = 0; p < n.length; p++) {
      n[p] = i.stats(p).rxPackets();
    }
    return n;
  }

  /** The RSS key virtio_net configures: the default of Microsoft's verification suite. */
  private static final byte[] RSS_KEY = {0x6d, 0x5a, 0x56, (byte) 0xda, 0x25, 0x5b, 0x0e, (byte) 0xc2, 0x41, 0x67, 0x25,
      0x3d, 0x43, (byte) 0xa3, (byte) 0x8f, (byte) 0xb0, (byte) 0xd0, (byte) 0xca, 0x2b, (byte) 0xcb, (byte) 0xae, 0x7b,
      0x30, (byte) 0xb4, 0x77, (byte) 0xcb, 0x2d, (byte) 0xa3, (byte) 0x80, 0x30, (byte) 0xf2, 0x0c, 0x6a, 0x42,
      (byte) 0xb7, 0x3b, (byte) 0xbe, (byte) 0xac, 0x01, (byte) 0xfa};

  /**
   * The Toeplitz hash as Microsoft's RSS specification writes it, one input bit at a time: a
   * reference independent of the device's table-driven one.
   */
  private static int toeplitz(byte[] input) {
    int result = 0;
    int window = (RSS_KEY[0] & 0xff) << 24 | (RSS_KEY[1] & 0xff) << 16 | (RSS_KEY[2] & 0xff) << 8 | RSS_KEY[3] & 0xff;
    for (int bit = 0; bit < input.length * 8; bit++) {
      if ((input[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        result ^= window;
      }
      int next = bit + 32;
      window = window << 1 | (RSS_KEY[next / 8] >>> (7 - next % 8)) & 1;
    }
    return result;
  }

  /** The RSS input of an IPv4 UDP frame: source and destination address, source and destination port. */
  private static byte[] udpInput(ByteBuffer frame) {
    byte[] in = new byte[12];
    frame.get(frame.position() + 14 + 12, in);
    return in;
  }

  @Test
  public void rssSpreadsFlowsOverFourPairsAndKeepsEachFlowOnOnePair() throws Exception {
    // the reference hash checked against Microsoft's first IPv4 vector (66.9.149.187:2794 to 161.142.100.80:1766)
    assertEquals(0x51ccc178, toeplitz(new byte[] {66, 9, (byte) 149, (byte) 187, (byte) 161, (byte) 142, 100, 80,
        (byte) (2794 >> 8), (byte) 2794, (byte) (1766 >> 8), (byte) 1766}));
    Devlink d = adapter(4);
    d.setNumVfs(DEV, 2);
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    mgmtdev("pci/0000:05:00.3");
    store.add("pci/0000:05:00.2", new DevConfig("rss4", MacAddress.parse("02:00:00:00:05:0a"), null, 4, null));
    store.add("pci/0000:05:00.3", new DevConfig("src1", MacAddress.parse("02:00:00:00:05:0b"), null, null, null));
    awaitBound("rss4", "virtio_net");
    awaitBound("src1", "virtio_net");
    NetInterface rss = iface("rss4");
    NetInterface src = iface("src1");
    assertEquals(4, rss.queuePairs());
    // HASH_REPORT: each frame comes with the device's hash, which must be the Toeplitz hash of the
    // frame got, of kind UDPv4, and pick the pair it arrived on (table entry i is pair i % 4)
    AtomicLong hashedRight = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<String> wrong = new java.util.concurrent.atomic.AtomicReference<>();
    rss.setReceiver(new HashReceiver() {
      @Override
      public void receive(int pair, ByteBuffer f) {
        wrong.compareAndSet(null, "a frame without its hash on pair " + pair);
      }

      @Override
      public void receive(int pair, ByteBuffer f, int hash, HashReport report) {
        int expected = toeplitz(udpInput(f));
        if (report == HashReport.UDPV4 && hash == expected && (hash & 3) == pair) {
          hashedRight.incrementAndGet();
        } else {
          wrong.compareAndSet(null, "pair " + pair + ": " + report + " 0x" + Integer.toHexString(hash) + ", expected UDPV4 0x"
              + Integer.toHexString(expected));
        }
      }
    });
    // 256 flows from one sender on one pair: the receiver's RSS spreads them over its four pairs
    for (int flow = 0; flow < 256; flow++) {
      assertEquals(SendResult.SENT, sendRetrying(src, udp(rss.mac(), src.mac(), 10_000 + flow)));
    }
    await("256 frames at rss4 (now " + rss.stats().rxPackets() + ")", () -> rss.stats().rxPackets() == 256);
    long[] spread = rxPerPair(rss);
    for (int p = 0; p < 4; p++) {
      assertTrue("pair " + p + " received none of 256 flows: " + java.util.Arrays.toString(spread), spread[p] > 0);
    }
    // one flow, sent again and again, stays on one pair
    for (int k = 0; k < 50; k++) {
      assertEquals(SendResult.SENT, sendRetrying(src, udp(rss.mac(), src.mac(), 10_007)));
    }
    await("306 frames at rss4", () -> rss.stats().rxPackets() == 306);
    long[] after = rxPerPair(rss);
    int grew = 0;
    for (int p = 0; p < 4; p++) {
      long more = after[p] - spread[p];
      assertTrue("pair " + p + " got " + more + " of the one flow's 50 frames", more == 0 || more == 50);
      grew += more == 50 ? 1 : 0;
    }
    assertEquals(1, grew);
    assertEquals(null, wrong.get());
    assertEquals(306, hashedRight.get());
    long udp = 0;
    for (int p = 0; p < 4; p++) {
      udp += rss.hashReports(p).getOrDefault(HashReport.UDPV4, 0L);
    }
    assertEquals("frames counted as UDPV4 over the pairs", 306, udp);
    // the sender's device has one pair: no RSS, no hash report, no counts
    assertTrue(src.hashReports(0).isEmpty());
  }

  @Test
  public void inSwitchdevModeAFunctionTalksToItsRepresentor() throws Exception {
    Devlink d = adapter();
    d.setNumVfs(DEV, 2);
    d.setEswitchMode(DEV, net.vdpa.api.devlink.EswitchMode.SWITCHDEV);
    NetInterface rep0 = representor("enp5s0f0npf0vf0");
    NetInterface rep1 = representor("enp5s0f0npf0vf1");
    assertEquals("pci/0000:05:00.2", rep0.device());
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    store.add("pci/0000:05:00.2", new DevConfig("swa", MacAddress.parse("02:00:00:00:05:1a"), null, null, null));
    store.add("pci/0000:05:00.3", new DevConfig("swb", MacAddress.parse("02:00:00:00:05:1b"), null, null, null));
    awaitBound("swa", "virtio_net");
    awaitBound("swb", "virtio_net");
    NetInterface a = iface("swa");
    NetInterface b = iface("swb");
    AtomicLong atB = new AtomicLong();
    b.setReceiver((pair, f) -> atB.incrementAndGet());
    a.setReceiver((pair, f) -> { });
    // a's frames to b go to a's representor (the slow path), never to b
    send(a, b, 100);
    await("100 frames at the representor of swa (now " + rep0.stats() + ")", () -> rep0.stats().rxPackets() == 100);
    assertEquals(0, atB.get());
    assertEquals(0, rep1.stats().rxPackets());
    // what the representor of b sends, b receives
    for (int k = 0; k < 20; k++) {
      assertEquals(SendResult.SENT, sendRetrying(rep1, frame(b.mac(), rep1.mac(), 64)));
    }
    await("20 frames at swb (now " + atB.get() + ")", () -> atB.get() == 20);
    // a rule on a's representor moves the flow to the fast path: a to b directly, counted by the rule
    String repA = "enp5s0f0npf0vf0";
    d.addRule(repA, new net.vdpa.api.devlink.FlowRule(10, new net.vdpa.api.devlink.FlowMatch(b.mac(), null, null, null),
        List.of(new net.vdpa.api.devlink.FlowAction.Redirect("enp5s0f0npf0vf1"))));
    send(a, b, 300);
    await("300 more frames at swb (now " + atB.get() + ")", () -> atB.get() == 320);
    assertEquals(100, rep0.stats().rxPackets());
    List<net.vdpa.api.devlink.FlowRuleStats> rules = d.rules(repA);
    assertEquals(1, rules.size());
    assertEquals(300, rules.get(0).packets());
    assertEquals(300 * 64, rules.get(0).bytes());
    // a frame the rule does not match still takes the slow path
    assertEquals(SendResult.SENT, sendRetrying(a, frame(new MacAddress(0xffff_ffff_ffffL), a.mac(), 64)));
    await("the broadcast at the representor", () -> rep0.stats().rxPackets() == 101);
    // the counters in the kernel's names, per function and per representor, from devlink
    await("swa's function counted 401 frames sent", () -> d.counters(DEV + "/1").txFrames() == 401);
    assertEquals(401 * 64, d.counters(DEV + "/1").txBytes());
    await("swb's function counted 320 frames received", () -> d.counters(DEV + "/2").rxFrames() == 320);
    assertEquals(new net.vdpa.api.port.PortCounters(101, 101 * 64, 0, 0, 0, 0), d.representorCounters(DEV + "/1").orElseThrow());
    assertEquals(20, d.representorCounters(DEV + "/2").orElseThrow().txFrames());
    d.deleteRule(repA, 10);
    assertTrue(d.rules(repA).isEmpty());
    // the mode cannot change under the devices, and the representors stay
    try {
      d.setEswitchMode(DEV, net.vdpa.api.devlink.EswitchMode.LEGACY);
      throw new AssertionError("the mode changed under devices swa and swb");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage(), expected.getMessage().contains("carry vDPA devices swa"));
    }
    assertEquals("enp5s0f0npf0vf0", representor("enp5s0f0npf0vf0").name());
  }

  @Test
  public void anSfDeviceOnVhostIsDrivenByTestpmdAndItsFramesCrossTheSwitchToAVf() throws Exception {
    if (!net.vdpa.testpmd.Testpmd.available()) {
      System.out.println("dpdk-testpmd is not installed: skipping the SmartNIC SF vhost-user test");
    }
    org.junit.Assume.assumeTrue(net.vdpa.testpmd.Testpmd.available());
    Devlink d = adapter();
    d.setNumVfs(DEV, 1);
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    store.add("pci/0000:05:00.2", new DevConfig("vfa", MacAddress.parse("02:00:00:00:05:0a"), null, null, null));
    awaitBound("vfa", "virtio_net");
    NetInterface vf = iface("vfa");
    vf.setReceiver((pair, f) -> { });
    net.vdpa.api.devlink.DevlinkPort sf = d.addSf(DEV, 0, 88);
    String sfMgmtdev = d.setFunction(DEV + "/" + sf.index(), MacAddress.parse("02:00:00:00:88:01"),
        FunctionState.ACTIVE).mgmtdev();
    mgmtdev(sfMgmtdev);
    store.add(sfMgmtdev, new DevConfig("sf88", null, null, null, null));
    awaitBound("sf88", "virtio_net");
    bus.setDriverOverride("sf88", "vhost_vdpa");
    awaitBound("sf88", "vhost_vdpa");
    net.vdpa.api.vhost.VhostVdpa v = tracked(net.vdpa.api.vhost.VhostVdpa.class, "objectClass=*",
        "the vhost-user socket of sf88");
    assertEquals("sf88", v.deviceName());
    try (net.vdpa.testpmd.Testpmd t = net.vdpa.testpmd.Testpmd.virtioUser(v.socketPath(), "snit-sf", "--forward-mode=txonly",
        "--eth-peer=0," + vf.mac())) {
      assertTrue(t.output(), t.await("testpmd>", 30_000));
      await("testpmd owns sf88", () -> v.owner().isPresent());
      t.command("start");
      await("testpmd's frames reach vfa through the switch (now " + vf.stats().rxPackets() + ")",
          () -> vf.stats().rxPackets() > 5_000);
      t.command("stop");
      assertTrue(t.output(), t.await("Done.", 10_000));
      long sent = t.lastCounter("TX-packets");
      assertTrue("testpmd sent nothing: " + t.output(), sent > 0);
      // every frame testpmd sent crossed the switch: at vfa, or counted as dropped at VF 0's port
      await("vfa received or dropped all " + sent + " (now " + vf.stats().rxPackets() + ", VF counters "
          + d.vfCounters(DEV, 0) + ")", () -> vf.stats().rxPackets() + d.vfCounters(DEV, 0).rxDrops() == sent);
      assertTrue("testpmd ends on SIGINT", t.interrupt(10_000));
    }
    await("sf88 free again after testpmd left", () -> v.owner().isEmpty());
  }

  private NetInterface representor(String name) throws Exception {
    return tracked(NetInterface.class, NetInterface.PROP_NAME + "=" + name, "representor " + name);
  }

  private static SendResult sendRetrying(NetInterface from, ByteBuffer frame) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    SendResult r;
    while ((r = from.send(0, frame.duplicate())) == SendResult.BUSY && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return r;
  }

  @Test
  public void vfsInDifferentVlansAreIsolatedAndJoiningTheVlanConnectsThem() throws Exception {
    Devlink d = adapter();
    NetInterface[] i = threeVfs(d);
    d.setVf(DEV, 0, null, 10, null, null);
    d.setVf(DEV, 1, null, 20, null, null);
    d.setVf(DEV, 2, null, 10, null, null);
    AtomicLong atB = new AtomicLong();
    i[1].setReceiver((pair, f) -> atB.incrementAndGet());
    i[2].setReceiver((pair, f) -> { });
    // a broadcast and unicasts from vfa (VLAN 10) reach vfc (VLAN 10), never vfb (VLAN 20)
    i[0].send(0, frame(new MacAddress(0xffff_ffff_ffffL), i[0].mac(), 64));
    send(i[0], i[2], 500);
    send(i[0], i[1], 500);
    await("501 frames at vfc (now " + i[2].stats().rxPackets() + ")", () -> i[2].stats().rxPackets() == 501);
    // every frame vfa sent has been through the switch (forwarded or dropped) before the VLAN changes:
    // a frame still in vfa's ring would be switched under the new VLAN
    await("vfa's 1001 frames switched (now " + d.vfCounters(DEV, 0) + ")",
        () -> d.vfCounters(DEV, 0).txFrames() + d.vfCounters(DEV, 0).txDrops() == 1001);
    assertEquals(0, atB.get());
    d.setVf(DEV, 1, null, 10, null, null);
    // one frame at a time: each must arrive (a burst may outrun the receiving driver's buffers, which
    // a NIC counts as rx overruns; that is not what this test is about)
    for (int k = 1; k <= 100; k++) {
      send(i[0], i[1], 1);
      final int want = k;
      await("frame " + k + " at vfb once in VLAN 10 (now " + atB.get() + "; vfa " + i[0].stats() + ", vfb "
          + i[1].stats() + ", VF counters " + d.vfCounters(DEV, 0) + " " + d.vfCounters(DEV, 1) + ")",
          () -> atB.get() == want);
    }
    assertEquals(10, d.vfs(DEV).get(1).vlan());
  }

  @Test
  public void anActiveSfIsAManagementDeviceAndAnSfCarryingADeviceCannotBeDeleted() throws Exception {
    Devlink d = adapter();
    d.addSf(DEV, 0, 88);
    d.setFunction(DEV + "/32768", MacAddress.parse("02:00:00:00:88:88"), FunctionState.ACTIVE);
    VdpaMgmtDevice sf = mgmtdev("auxiliary/smartnic.sf.1");
    assertEquals(5, sf.maxSupportedVqs());
    service(VdpaDeviceStore.class).add("auxiliary/smartnic.sf.1", DevConfig.named("sfdev"));
    awaitBound("sfdev", "virtio_net");
    assertEquals(MacAddress.parse("02:00:00:00:88:88"), iface("sfdev").mac());
    try {
      d.delPort(DEV + "/32768");
      throw new AssertionError("an SF carrying a device was deleted");
    } catch (IllegalStateException e) {
      assertEquals("port pci/0000:05:00.0/32768 (sfnum 88) carries vDPA device sfdev (auxiliary/smartnic.sf.1); "
          + "delete it first", e.getMessage());
    }
    service(VdpaDeviceStore.class).delete("sfdev");
    d.delPort(DEV + "/32768");
    assertTrue(d.ports().stream().noneMatch(p -> p.index() == 32768));
  }

  @Test
  public void stoppingAndUninstallingUnderTrafficRemovesEveryDeviceAndReinstallingRestoresThem() throws Exception {
    Devlink d = adapter();
    NetInterface[] i = threeVfs(d);
    d.addSf(DEV, 0, 7);
    d.setFunction(DEV + "/32768", null, FunctionState.ACTIVE);
    i[1].setReceiver((pair, f) -> { });
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong sent = new AtomicLong();
    ByteBuffer f = frame(i[1].mac(), i[0].mac(), 64);
    Thread sender = new Thread(() -> {
      while (!stop.get()) {
        SendResult r = i[0].send(0, f.duplicate());
        if (r == SendResult.SENT) {
          sent.incrementAndGet();
        } else if (r == SendResult.DOWN) {
          return;
        } else {
          Thread.onSpinWait();
        }
      }
    }, "smartnic-it-sender");
    sender.start();
    await("traffic flowing", () -> i[1].stats().rxPackets() > 1000);

    Bundle nic = installed("net.vdpa.device.smartnic");
    nic.stop();
    // stop() returned: the devices left the bus and their interfaces went away
    assertFalse(bus.device("vfa").isPresent());
    assertFalse(bus.device("vfb").isPresent());
    assertEquals(0, context.getServiceReferences(NetInterface.class, null).size());
    sender.join(WAIT.toMillis());
    assertFalse("the sender stopped when its interface went down", sender.isAlive());
    assertEquals(List.of(), workerThreads());

    nic.start();
    awaitBound("vfa", "virtio_net");
    awaitBound("vfb", "virtio_net");
    awaitBound("vfc", "virtio_net");
    mgmtdev("auxiliary/smartnic.sf.1");
    Devlink again = service(Devlink.class);
    assertEquals(3, again.devices().get(0).numVfs());

    String location = nic.getLocation();
    NetInterface a = iface("vfa");
    NetInterface b = iface("vfb");
    b.setReceiver((pair, x) -> { });
    send(a, b, 100);
    nic.uninstall();
    assertFalse(bus.device("vfa").isPresent());
    assertEquals(List.of(), workerThreads());
    Bundle back = context.installBundle(location, new java.io.FileInputStream(new File(new java.net.URI(location))));
    back.start();
    awaitBound("vfa", "virtio_net");
    awaitBound("vfb", "virtio_net");
    NetInterface a2 = iface("vfa");
    NetInterface b2 = iface("vfb");
    b2.setReceiver((pair, x) -> { });
    send(a2, b2, 100);
    await("frames through the reinstalled adapter", () -> b2.stats().rxPackets() == 100);
  }
}
