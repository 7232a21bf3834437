package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.devlink.Devlink;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.WireKind;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

/**
 * A SmartNIC uplink cabled to a simulated NIC's port, two providers' ports joined through the port
 * API: a VF's virtio_net interface and the simulated NIC's exchange frames across it with equal
 * counters at both ends, the VF's link follows the uplink's, a capture records what the uplink
 * carries, and deleting the simulated NIC or stopping the SmartNIC bundle unplugs the other end.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class UplinkIT extends BusTestSupport {
  private static final String DEV = "pci/0000:05:00.0";
  private static final String UPLINK = "enp5s0f0np0";
  private static final MacAddress VF_MAC = MacAddress.parse("02:00:00:00:05:0a");
  private static final MacAddress SIM_MAC = MacAddress.parse("02:00:00:00:05:99");

  @Override
  protected Option[] extraOptions() {
    return new Option[] {reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"),
        reactorBundle("vdpa.bundle.smartnic"), reactorBundle("vdpa.bundle.simnet"), reactorBundle("vdpa.bundle.virtionet"),
        reactorBundle("vdpa.bundle.config"), reactorBundle("vdpa.bundle.shell"),
        mavenBundle("jakarta.json", "jakarta.json-api").versionAsInProject(),
        mavenBundle("org.eclipse.parsson", "parsson").versionAsInProject(),
        CoreOptions.mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject()};
  }

  /** An adapter with one VF carrying a virtio_net device, and a simulated NIC bound to virtio_net. */
  private NetInterface[] vfAndSimulatedNic() throws Exception {
    return vfAndSimulatedNic(false);
  }

  /** The same, the adapter in switchdev mode first if asked. */
  private NetInterface[] vfAndSimulatedNic(boolean switchdev) throws Exception {
    Configuration c = configAdmin.getFactoryConfiguration("net.vdpa.smartnic.adapter", "it", "?");
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("pci", "0000:05:00.0");
    p.put("max_vfs", 2);
    c.update(p);
    Devlink d = service(Devlink.class);
    await("adapter " + DEV, () -> d.owns(DEV));
    d.setNumVfs(DEV, 1);
    if (switchdev) {
      d.setEswitchMode(DEV, net.vdpa.api.devlink.EswitchMode.SWITCHDEV);
    }
    tracked(net.vdpa.api.VdpaMgmtDevice.class, net.vdpa.api.VdpaMgmtDevice.PROP_HANDLE + "=pci/0000:05:00.2", "VF 0");
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    store.add("pci/0000:05:00.2", new DevConfig("upvf", VF_MAC, null, null, null));
    store.add("vdpasim_net", new DevConfig("upsim", SIM_MAC, null, null, null));
    awaitBound("upvf", "virtio_net");
    awaitBound("upsim", "virtio_net");
    await("the uplink's port", () -> ports(UPLINK) != null);
    return new NetInterface[] {iface("upvf"), iface("upsim")};
  }

  /** The port service that owns a port, or null. */
  private PortControl ports(String port) {
    java.util.Collection<ServiceReference<PortControl>> refs;
    try {
      refs = context.getServiceReferences(PortControl.class, null);
    } catch (org.osgi.framework.InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
    for (ServiceReference<PortControl> r : refs) {
      PortControl c = context.getService(r);
      if (c != null && c.owns(port)) {
        return c;
      }
    }
    return null;
  }

  private CommandSession shell() throws Exception {
    return service(CommandProcessor.class).createSession(InputStream.nullInputStream(), System.out, System.err);
  }

  private static String error(CommandSession s, String command) {
    try {
      s.execute(command);
    } catch (Exception e) {
      return e.getMessage();
    }
    throw new AssertionError(command + " did not fail");
  }

  @Test
  public void aVfAndASimulatedNicTalkAcrossTheUplinkWithEqualCountersAtBothEnds() throws Exception {
    NetInterface[] i = vfAndSimulatedNic();
    NetInterface vf = i[0];
    NetInterface sim = i[1];
    // fewer frames each way than an inbox holds (256): a cable between providers has no back-pressure
    AtomicLong atSim = new AtomicLong();
    AtomicLong atVf = new AtomicLong();
    sim.setReceiver((pair, f) -> atSim.incrementAndGet());
    vf.setReceiver((pair, f) -> atVf.incrementAndGet());
    CommandSession s = shell();
    assertEquals(UPLINK + ": wire none link up (no carrier)", s.execute("vdpa:port show " + UPLINK));
    assertEquals(UPLINK + ": wire cable peer upsim link up\nupsim: wire cable peer " + UPLINK + " link up",
        s.execute("vdpa:port cable " + UPLINK + " upsim"));
    send(vf, sim, 200);
    await("200 frames at upsim (now " + atSim.get() + ")", () -> atSim.get() == 200);
    send(sim, vf, 150);
    await("150 frames at upvf (now " + atVf.get() + ")", () -> atVf.get() == 150);
    PortCounters up = ports(UPLINK).counters(UPLINK);
    PortCounters nic = ports("upsim").counters("upsim");
    assertEquals(200, up.txFrames());
    assertEquals(up.txFrames(), nic.rxFrames());
    assertEquals(up.txBytes(), nic.rxBytes());
    assertEquals(150, up.rxFrames());
    assertEquals(nic.txFrames(), up.rxFrames());
    assertEquals(nic.txBytes(), up.rxBytes());
    assertEquals(0, up.txDrops() + up.rxDrops() + nic.txDrops() + nic.rxDrops());
    assertTrue(s.execute("vdpa:port stats " + UPLINK).toString().startsWith(UPLINK + ": rx_packets 150 rx_bytes 9600"));

    // one clear error naming the port, nothing changed
    assertEquals("port " + UPLINK + " is cabled to upsim already; unplug it first",
        error(s, "vdpa:port cable " + UPLINK + " upsim"));
    assertEquals("there is no port named 'nosuch'", error(s, "vdpa:port cable " + UPLINK + " nosuch"));
    assertEquals("upsim", ports(UPLINK).port(UPLINK).peer());

    // the VF's link follows the uplink's
    assertTrue(vf.linkUp());
    s.execute("vdpa:port link " + UPLINK + " down");
    await("upvf link down", () -> !vf.linkUp());
    s.execute("vdpa:port link " + UPLINK + " up");
    await("upvf link up", vf::linkUp);
    s.close();
  }

  @Test
  public void aCaptureOnTheUplinkRecordsWhatItCarriesAndUnplugsTheSimulatedNic() throws Exception {
    NetInterface[] i = vfAndSimulatedNic();
    CommandSession s = shell();
    s.execute("vdpa:port cable " + UPLINK + " upsim");
    Path file = Files.createTempFile("vdpa-uplink", ".pcap");
    assertEquals(UPLINK + ": wire capture file " + file + " link up", s.execute("vdpa:port capture " + UPLINK + " " + file));
    // the simulated NIC's end of the cable went back to loopback
    assertEquals(WireKind.LOOPBACK, ports("upsim").port("upsim").wire());
    i[0].setReceiver((pair, f) -> { });
    send(i[0], i[1], 10);
    await("10 frames in the capture (now " + file.toFile().length() + " bytes)",
        () -> file.toFile().length() == 24 + 10 * (16 + 64));
    assertEquals(10, ports(UPLINK).counters(UPLINK).txFrames());
    s.close();
  }

  @Test
  public void deletingTheSimulatedNicOrStoppingTheSmartNicUnplugsTheOtherEnd() throws Exception {
    vfAndSimulatedNic();
    PortControl uplinks = ports(UPLINK);
    PortControl.cable(uplinks, UPLINK, ports("upsim"), "upsim");
    service(VdpaDeviceStore.class).delete("upsim");
    await("the uplink unplugged", () -> uplinks.port(UPLINK).wire() == WireKind.NONE);

    service(VdpaDeviceStore.class).add("vdpasim_net", new DevConfig("upsim2", SIM_MAC, null, null, null));
    await("upsim2", () -> ports("upsim2") != null);
    PortControl sims = ports("upsim2");
    PortControl.cable(uplinks, UPLINK, sims, "upsim2");
    assertEquals(WireKind.CABLE, sims.port("upsim2").wire());
    installed("net.vdpa.device.smartnic").stop();
    await("upsim2 back in loopback", () -> sims.port("upsim2").wire() == WireKind.LOOPBACK);
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive() && t.getName().startsWith("smartnic-")));
  }

  @Test
  public void inSwitchdevModeTheUplinkRepresentorTakesWhatNoRuleCarriesAndRulesCarryTheRestWithCounters()
      throws Exception {
    NetInterface[] i = vfAndSimulatedNic(true);
    NetInterface vf = i[0];
    NetInterface sim = i[1];
    NetInterface uplinkRep = tracked(NetInterface.class, NetInterface.PROP_NAME + "=" + UPLINK, "uplink representor");
    assertEquals(DEV, uplinkRep.device());
    AtomicLong atSim = new AtomicLong();
    AtomicLong atVf = new AtomicLong();
    AtomicLong atRep = new AtomicLong();
    sim.setReceiver((pair, f) -> atSim.incrementAndGet());
    vf.setReceiver((pair, f) -> atVf.incrementAndGet());
    uplinkRep.setReceiver((pair, f) -> atRep.incrementAndGet());
    CommandSession s = shell();
    // unplugged, the PF's netdev has no carrier; cabled, it has
    assertTrue(s.execute("ip:link show " + UPLINK).toString().startsWith(UPLINK + ": <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN"));
    s.execute("vdpa:port cable " + UPLINK + " upsim");
    assertTrue(s.execute("ip:link show " + UPLINK).toString().startsWith(UPLINK + ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP"));
    // the slow path: the simulated NIC's frames reach the uplink representor, not the VF
    send(sim, vf, 50);
    await("50 frames at the uplink representor (now " + atRep.get() + ")", () -> atRep.get() == 50);
    assertEquals(0, atVf.get());
    // what is sent on the uplink representor leaves through the uplink
    for (int k = 0; k < 10; k++) {
      assertEquals(NetInterface.SendResult.SENT, uplinkRep.send(frame(sim.mac(), uplinkRep.mac(), 64)));
    }
    await("10 frames at upsim (now " + atSim.get() + ")", () -> atSim.get() == 10);
    // rules: from the uplink to the VF, and from the VF out of the uplink (the fast path)
    s.execute("tc filter add dev " + UPLINK + " ingress prio 1 flower dst_mac " + VF_MAC
        + " action mirred egress redirect dev enp5s0f0npf0vf0");
    s.execute("tc filter add dev enp5s0f0npf0vf0 ingress prio 1 flower action mirred egress redirect dev " + UPLINK);
    send(sim, vf, 100);
    await("100 frames at upvf (now " + atVf.get() + ")", () -> atVf.get() == 100);
    send(vf, sim, 120);
    await("130 frames at upsim (now " + atSim.get() + ")", () -> atSim.get() == 130);
    assertEquals(50, atRep.get());
    // the counters in the kernel's names, per port, function and representor (the workers count
    // after the frames arrived)
    Devlink d = service(Devlink.class);
    await("the counters", () -> d.counters(DEV + "/1").rxFrames() == 100 && d.counters(DEV + "/1").txFrames() == 120
        && d.counters(DEV + "/65535").rxFrames() == 150 && d.counters(DEV + "/65535").txFrames() == 130
        && d.representorCounters(DEV + "/65535").orElseThrow().rxFrames() == 50);
    String stats = s.execute("devlink:port -s show " + DEV + "/1").toString();
    assertTrue(stats, stats.contains("\n  stats:\n    function rx_packets 100 rx_bytes 6400 rx_dropped 0 tx_packets 120 tx_bytes 7680 tx_dropped 0"));
    assertTrue(stats, stats.contains("\n    representor rx_packets 0 rx_bytes 0 rx_dropped 0 tx_packets 0 tx_bytes 0 tx_dropped 0"));
    String up = s.execute("devlink:port -s show " + DEV + "/65535").toString();
    assertTrue(up, up.contains("\n    uplink rx_packets 150 rx_bytes 9600 rx_dropped 0 tx_packets 130 tx_bytes 8320 tx_dropped 0"));
    assertTrue(up, up.contains("\n    representor rx_packets 50 rx_bytes 3200 rx_dropped 0 tx_packets 10 tx_bytes 640 tx_dropped 0"));
    String json = s.execute("devlink:port -j -s show " + DEV + "/65535").toString();
    assertTrue(json, json.contains("\"stats\":{\"uplink\":{\"rx_packets\":150,"));
    assertEquals(ports(UPLINK).counters(UPLINK), d.counters(DEV + "/65535"));
    // the link down takes the carrier; the uplink representor has none either
    s.execute("vdpa:port link " + UPLINK + " down");
    assertTrue(s.execute("ip:link show " + UPLINK).toString().startsWith(UPLINK + ": <NO-CARRIER,"));
    assertTrue(!uplinkRep.linkUp());
    s.close();
  }

  @Test
  public void theUplinksLinkStateComesBackAfterTheBundleStopsAndStarts() throws Exception {
    NetInterface[] i = vfAndSimulatedNic();
    CommandSession s = shell();
    s.execute("vdpa:port link " + UPLINK + " down");
    await("upvf link down", () -> !i[0].linkUp());
    org.osgi.framework.Bundle nic = installed("net.vdpa.device.smartnic");
    nic.stop();
    nic.start();
    await("the uplink's port again", () -> ports(UPLINK) != null);
    assertEquals(UPLINK + ": wire none link down (no carrier)", s.execute("vdpa:port show " + UPLINK));
    awaitBound("upvf", "virtio_net");
    NetInterface vf = iface("upvf");
    assertTrue("upvf follows the kept link state", !vf.linkUp());
    s.execute("vdpa:port link " + UPLINK + " up");
    await("upvf link up", vf::linkUp);
    s.close();
  }
}
