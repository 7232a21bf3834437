package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.PortControl;
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
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

/**
 * Names and wires that last: interface names that follow the device through rebinds and driver
 * restarts, port settings (cables, captures, link state) that come back when the simulated NIC
 * bundle starts again, a cable that loses nothing to a busy receiver and counts what it must drop
 * at the sender, and a traffic job that says why it stopped.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WireIT extends BusTestSupport {

  @Override
  protected Option[] extraOptions() {
    return new Option[] {reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"), reactorBundle("vdpa.bundle.simnet"),
        reactorBundle("vdpa.bundle.virtionet"), reactorBundle("vdpa.bundle.config"), reactorBundle("vdpa.bundle.shell"),
        mavenBundle("jakarta.json", "jakarta.json-api").versionAsInProject(),
        mavenBundle("org.eclipse.parsson", "parsson").versionAsInProject(),
        CoreOptions.mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject()};
  }


  /** Waits for the interface of a device, and returns it once its name is the expected one. */
  /** Sends n frames, retrying while the ring is full; returns when all were taken. */
  @Test
  public void interfaceNamesFollowTheDeviceThroughRebindsAndDriverRestarts() throws Exception {
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    store.add("vdpasim_net", DevConfig.named("zeta"));
    store.add("vdpasim_net", DevConfig.named("vdpa7"));
    store.add("vdpasim_net", DevConfig.named("alpha"));
    assertEquals("vnet-zeta", iface("zeta").name());
    assertEquals("vnet7", iface("vdpa7").name());
    assertEquals("vnet-alpha", iface("alpha").name());

    bus.unbind("zeta");
    bus.bind("zeta", "virtio_net");
    assertEquals("vnet-zeta", iface("zeta").name());

    Bundle driver = installed("net.vdpa.driver.virtionet");
    driver.stop();
    driver.start();
    awaitBound("alpha", "virtio_net");
    awaitBound("zeta", "virtio_net");
    assertEquals("vnet-alpha", iface("alpha").name());
    assertEquals("vnet7", iface("vdpa7").name());
    assertEquals("vnet-zeta", iface("zeta").name());
  }

  @Test
  public void cablesCapturesAndLinkStateComeBackWhenTheDeviceBundleStartsAgain() throws Exception {
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    store.add("vdpasim_net", DevConfig.named("left"));
    store.add("vdpasim_net", DevConfig.named("right"));
    store.add("vdpasim_net", DevConfig.named("cap"));
    PortControl ports = service(PortControl.class);
    Path file = Files.createTempFile("vdpa-wire", ".pcap");
    ports.cable("left", "right");
    ports.capture("cap", file);
    ports.setLink("right", false);

    Bundle simnet = installed("net.vdpa.device.simnet");
    simnet.stop();
    simnet.start();
    awaitBound("left", "virtio_net");
    awaitBound("right", "virtio_net");
    awaitBound("cap", "virtio_net");
    ports = service(PortControl.class);
    assertEquals(new PortState("left", WireKind.CABLE, "right", null, true, true, true), ports.port("left"));
    assertEquals(new PortState("right", WireKind.CABLE, "left", null, false, true, true), ports.port("right"));
    assertEquals(new PortState("cap", WireKind.CAPTURE, null, file.toAbsolutePath().normalize(), true, true, true),
        ports.port("cap"));
    NetInterface right = iface("right");
    await("vnet-right reports link down", () -> !right.linkUp());

    ports.setLink("right", true);
    NetInterface left = iface("left");
    await("vnet-right reports link up", right::linkUp);
    right.setReceiver((pair, f) -> { });
    send(left, right, 1000);
    await("1000 frames over the restored cable (now " + right.stats().rxPackets() + ")",
        () -> right.stats().rxPackets() == 1000);
    right.setReceiver(null);
  }

  @Test
  public void deletingAKeptDeviceForgetsItsPortAndFreesTheOtherEnd() throws Exception {
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    store.add("vdpasim_net", DevConfig.named("d0"));
    store.add("vdpasim_net", DevConfig.named("d1"));
    PortControl ports = service(PortControl.class);
    ports.cable("d0", "d1");
    assertEquals(2, portConfigurations());
    store.delete("d1");
    assertEquals(new PortState("d0", WireKind.LOOPBACK, null, null, true, true, true), ports.port("d0"));
    assertEquals(0, portConfigurations());
  }

  private int portConfigurations() throws Exception {
    Configuration[] all = configAdmin.listConfigurations("(service.factoryPid=net.vdpa.simnet.port)");
    return all == null ? 0 : all.length;
  }

  @Test
  public void aCableLosesNoFrameToABusyReceiverAndCountsItsDropsAtTheSender() throws Exception {
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    store.add("vdpasim_net", DevConfig.named("tx0"));
    store.add("vdpasim_net", DevConfig.named("rx0"));
    PortControl ports = service(PortControl.class);
    ports.cable("tx0", "rx0");
    NetInterface a = iface("tx0");
    NetInterface b = iface("rx0");
    b.setReceiver((pair, f) -> { });
    send(a, b, 10_000);
    await("10,000 frames over the cable (now " + b.stats().rxPackets() + ", sender dropped " + a.stats().txDropped() + ")",
        () -> b.stats().rxPackets() == 10_000);
    assertEquals(0, a.stats().txDropped());

    ports.setLink("rx0", false);
    send(a, b, 100);
    await("100 drops counted at the sender (now " + a.stats().txDropped() + ")", () -> a.stats().txDropped() == 100);
    assertEquals(10_000, b.stats().rxPackets());
    b.setReceiver(null);
  }

  @Test
  public void aTrafficJobStoppedByItsDriverSaysWhatItSentAndWhy() throws Exception {
    trafficJobCutShort(() -> installed("net.vdpa.driver.virtionet").stop(), "driver virtio_net stopped");
  }

  @Test
  public void aTrafficJobWhoseDeviceIsDeletedSaysSo() throws Exception {
    trafficJobCutShort(() -> service(VdpaDeviceStore.class).delete("vdpa0"), "device vdpa0 was deleted");
  }

  @Test
  public void aTrafficJobWhoseDeviceIsUnboundSaysSo() throws Exception {
    trafficJobCutShort(() -> bus.unbind("vdpa0"), "interface vnet0 was removed \\(device vdpa0 unbound from its driver\\)");
  }

  @Test
  public void portCommandsAnswerWhileTheSimulatedNicBundleIsStopped() throws Exception {
    CommandProcessor processor = service(CommandProcessor.class);
    service(VdpaDeviceStore.class).add("vdpasim_net", DevConfig.named("w0"));
    CommandSession session = processor.createSession(InputStream.nullInputStream(), System.out, System.err);
    assertEquals("w0: wire loopback link down", session.execute("vdpa:port link w0 down"));
    installed("net.vdpa.device.simnet").stop();
    try {
      session.execute("vdpa:port show");
      throw new AssertionError("vdpa:port show answered without the simulated NIC bundle");
    } catch (Exception e) {
      assertEquals("no ports: no device bundle with ports is running (such as device.simnet)", e.getMessage());
    }
    installed("net.vdpa.device.simnet").start();
    service(PortControl.class);
    await("w0 back", () -> bus.device("w0").isPresent());
    assertEquals("w0: wire loopback link down", session.execute("vdpa:port show w0"));
    session.close();
  }

  /** Something that cuts a traffic job short. */
  private interface Cut {
    void run() throws Exception;
  }

  private void trafficJobCutShort(Cut cut, String reason) throws Exception {
    CommandProcessor processor = service(CommandProcessor.class);
    service(VdpaDeviceStore.class).add("vdpasim_net", DevConfig.named("vdpa0"));
    NetInterface i = iface("vdpa0");
    assertEquals("vnet0", i.name());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandSession session = processor.createSession(InputStream.nullInputStream(), new PrintStream(out, true),
        new PrintStream(out, true));
    CompletableFuture<String> job = CompletableFuture.supplyAsync(() -> {
      try {
        return "finished: " + session.execute("net:traffic count 1000000000 vnet0");
      } catch (Exception e) {
        return e.getMessage();
      }
    });
    await("the job sends (tx " + i.stats().txPackets() + ")", () -> i.stats().txPackets() > 10_000);
    cut.run();
    String line = job.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    session.close();
    assertTrue(line, line.matches("vnet0 -> vnet0: sent \\d+ received \\d+ lost \\d+ size 64 in \\d+\\.\\d{3} s "
        + "\\(\\d+ frames/s, \\d+\\.\\d{3} Gbit/s\\), stopped: " + reason));
    long sent = Long.parseLong(line.replaceAll(".*: sent (\\d+) .*", "$1"));
    assertTrue(line, sent > 10_000 && sent < 1_000_000_000L);
  }
}
