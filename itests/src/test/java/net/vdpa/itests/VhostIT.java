package net.vdpa.itests;

import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.vhost.VhostHandle;
import net.vdpa.api.vhost.VhostVdpa;
import net.vdpa.testpmd.Testpmd;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The vhost driver in a real framework: a simulated NIC overridden to {@code vhost_vdpa}, driven by
 * a real {@code dpdk-testpmd} through the vhost-user socket; the exclusive in-process handle; and
 * revocation while a frontend is connected. The DPDK tests skip (with one line) where testpmd is not
 * installed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class VhostIT extends BusTestSupport {
  private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:42");

  @Override
  protected Option[] extraOptions() {
    return new Option[] {mavenBundle("net.java.dev.jna", "jna").versionAsInProject(), reactorBundle("vdpa.bundle.unix"),
        reactorBundle("vdpa.bundle.ring"),
        reactorBundle("vdpa.bundle.devicecore"), reactorBundle("vdpa.bundle.simnet"), reactorBundle("vdpa.bundle.virtionet"), reactorBundle("vdpa.bundle.vhost"),
        reactorBundle("vdpa.bundle.testpmd")};
  }

  private static void needTestpmd() {
    if (!Testpmd.available()) {
      System.out.println("dpdk-testpmd is not installed: skipping the vhost-user DPDK test");
    }
    Assume.assumeTrue(Testpmd.available());
  }

  /** Adds vdpa0 and moves it from virtio_net to vhost_vdpa by override; returns its vhost service. */
  private VhostVdpa vhostDevice() throws Exception {
    mgmtdev().devAdd(new DevConfig("vdpa0", MAC, null, null, null));
    awaitBound("vdpa0", "virtio_net");
    bus.setDriverOverride("vdpa0", "vhost_vdpa");
    awaitBound("vdpa0", "vhost_vdpa");
    ServiceTracker<VhostVdpa, VhostVdpa> t = new ServiceTracker<>(context, VhostVdpa.class, null);
    t.open();
    VhostVdpa v = t.waitForService(WAIT.toMillis());
    assertNotNull("no VhostVdpa service on vdpa0", v);
    assertEquals("vdpa0", v.deviceName());
    assertTrue("socket " + v.socketPath() + " exists", Files.exists(v.socketPath()));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(v.socketPath())));
    return v;
  }

  private VdpaDevice device(String name) throws Exception {
    return context.getServiceReferences(VdpaDevice.class, "(" + VdpaDevice.PROP_NAME + "=" + name + ")").stream()
        .map(context::getService).findFirst().orElseThrow();
  }

  private static long stat(VdpaDevice d, int vq, String name) {
    return d.vendorVqStats(vq).getOrDefault(name, -1L);
  }

  @Test
  public void testpmdTxonlyPacketsAreCountedExactlyByTheBoundDevice() throws Exception {
    needTestpmd();
    VhostVdpa v = vhostDevice();
    VdpaDevice dev = device("vdpa0");
    try (Testpmd t = Testpmd.virtioUser(v.socketPath(), "vhit-tx", "--forward-mode=txonly", "--eth-peer=0," + MAC)) {
      assertTrue(t.output(), t.await("testpmd>", 30_000));
      await("frontend owns vdpa0", () -> v.owner().isPresent());
      t.command("start");
      await("testpmd's frames reach the device", () -> stat(dev, 1, "tx_packets") > 10_000);
      t.command("stop");
      assertTrue(t.output(), t.await("Done.", 10_000));
      long sent = t.lastCounter("TX-packets");
      System.out.println("VhostIT txonly: testpmd sent " + sent + " and the device counted "
          + stat(dev, 1, "tx_packets"));
      assertTrue("testpmd sent nothing: " + t.output(), sent > 0);
      // testpmd counts a frame once it is in the ring; the device once it has carried it: the last
      // ring's worth may still be on its way when testpmd stops
      await("the device counts all " + sent + " frames", () -> stat(dev, 1, "tx_packets") >= sent);
      assertEquals(sent, stat(dev, 1, "tx_packets"));
      assertEquals(0, stat(dev, 1, "tx_errors"));
      assertTrue("testpmd ends on SIGINT", t.interrupt(10_000));
    }
    await("vdpa0 free again after testpmd left", () -> v.owner().isEmpty());
  }

  @Test
  public void uninstallingTheDriverWhileTestpmdRunsRevokesAtOnce() throws Exception {
    needTestpmd();
    VhostVdpa v = vhostDevice();
    Path socket = v.socketPath();
    try (Testpmd t = Testpmd.virtioUser(socket, "vhit-unplug", "--forward-mode=io", "--eth-peer=0," + MAC)) {
      assertTrue(t.output(), t.await("testpmd>", 30_000));
      t.command("start tx_first");
      await("frontend owns vdpa0", () -> v.owner().isPresent());
      VdpaDevice looping = device("vdpa0");
      await("frames loop through vdpa0", () -> stat(looping, 0, "rx_packets") > 1_000);
      Bundle vhost = installed("net.vdpa.driver.vhost");
      long start = System.nanoTime();
      vhost.uninstall();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.println("VhostIT: uninstalling the vhost driver with testpmd connected took " + millis + " ms");
      assertTrue("uninstall took " + millis + " ms", millis < 3000);
      assertFalse("socket " + socket + " removed", Files.exists(socket));
      await("vdpa0 unbound", () -> !DeviceDTO.State.BOUND.equals(dev("vdpa0").state));
      assertEquals(0, device("vdpa0").status());
    }
  }

  @Test
  public void unbindWhileConnectedRevokesAndTheSocketGoes() throws Exception {
    needTestpmd();
    VhostVdpa v = vhostDevice();
    try (Testpmd t = Testpmd.virtioUser(v.socketPath(), "vhit-unbind", "--forward-mode=txonly", "--eth-peer=0," + MAC)) {
      assertTrue(t.output(), t.await("testpmd>", 30_000));
      t.command("start");
      await("frontend owns vdpa0", () -> v.owner().isPresent());
      long start = System.nanoTime();
      bus.unbind("vdpa0");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.println("VhostIT: unbind with testpmd connected took " + millis + " ms");
      assertTrue("unbind took " + millis + " ms", millis < 3000);
      assertFalse(Files.exists(v.socketPath()));
      long tx = stat(device("vdpa0"), 1, "tx_packets");
      Thread.sleep(200); // a quiet period: nothing may move after the revoke
      assertEquals("no traffic after revoke", tx, stat(device("vdpa0"), 1, "tx_packets"));
    }
  }

  @Test
  public void deletingTheDeviceWhileTestpmdRunsRevokesAtOnceAndOtherDevicesKeepWorking() throws Exception {
    needTestpmd();
    VhostVdpa v = vhostDevice();
    Path socket = v.socketPath();
    // a second device, on virtio_net, carries traffic all along
    mgmtdev().devAdd(DevConfig.named("other0"));
    awaitBound("other0", "virtio_net");
    ServiceTracker<NetInterface, NetInterface> nt = new ServiceTracker<>(context,
        context.createFilter("(&(objectClass=net.vdpa.api.net.NetInterface)(vdpa.device.name=other0))"), null);
    nt.open();
    NetInterface other = nt.waitForService(WAIT.toMillis());
    assertNotNull(other);
    AtomicLong got = new AtomicLong();
    other.setReceiver((pair, f) -> got.incrementAndGet());
    ByteBuffer frame = ByteBuffer.allocate(60);
    frame.put(other.mac().toBytes()).put(other.mac().toBytes()).putShort((short) 0x88b5).clear();
    try (Testpmd t = Testpmd.virtioUser(socket, "vhit-delete", "--forward-mode=io", "--eth-peer=0," + MAC)) {
      assertTrue(t.output(), t.await("testpmd>", 30_000));
      t.command("start tx_first");
      await("frontend owns vdpa0", () -> v.owner().isPresent());
      long start = System.nanoTime();
      mgmtdev().devDel("vdpa0");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.println("VhostIT: deleting the device with testpmd connected took " + millis + " ms");
      assertTrue("delete took " + millis + " ms", millis < 3000);
      assertFalse("socket " + socket + " removed", Files.exists(socket));
      assertTrue(bus.device("vdpa0").isEmpty());
      for (int n = 0; n < 100; n++) {
        while (other.send(frame.duplicate()) == NetInterface.SendResult.BUSY) {
          Thread.onSpinWait();
        }
      }
      await("the other device still carries traffic", () -> got.get() == 100);
    }
  }

  @Test
  public void inProcessHandleIsExclusive() throws Exception {
    VhostVdpa v = vhostDevice();
    try (VhostHandle h = v.open("test-a")) {
      try {
        v.open("test-b");
        fail("a second open must be refused");
      } catch (IllegalStateException e) {
        assertTrue(e.getMessage(), e.getMessage().contains("already owned by test-a"));
      }
      try {
        h.setStatus(1);
        fail("setStatus before setOwner must be refused");
      } catch (IllegalStateException e) {
        assertTrue(e.getMessage(), e.getMessage().contains("before setOwner"));
      }
      h.setOwner();
      assertEquals(VdpaDevice.ID_NET, h.getDeviceId());
      assertTrue(h.getVqCount() >= 2);
      h.setStatus(1 | 2);
      h.setFeatures(h.getFeatures() & (1L << 32 | 1L << 33));
      h.setStatus(1 | 2 | 8);
      assertEquals(1 | 2 | 8, h.getStatus());
      ByteBuffer mac = ByteBuffer.allocate(6);
      h.getConfig(0, mac);
      assertEquals(MAC, MacAddress.of(mac.array()));
      h.setVringNum(0, 256);
      h.setVringBase(0, 7);
      assertEquals(7, h.getVringBase(0));
    }
    assertTrue(v.owner().isEmpty());
    v.open("test-c").close();
  }

}
