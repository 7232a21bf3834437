package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.ByteBuffer;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.passthrough.CommonCfg;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.DmaPerm;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuFault;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.PassthroughDevice;
import net.vdpa.api.passthrough.Region;
import net.vdpa.api.passthrough.Vfio;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;
import net.vdpa.api.passthrough.Viability;
import net.vdpa.api.pmd.Mbuf;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PollModeDriver;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The passthrough driver and the poll-mode driver in a real framework: a simulated NIC bound to
 * {@code vfio_vdpa} moves frames through a poll-mode port with every frame checked; the driver
 * bundle uninstalled mid-traffic takes the device back within the grace period and the device
 * returns to virtio_net; a device access outside the container is a recorded fault and an event; a
 * group whose other member is bound elsewhere is refused, and while a group is in use its other
 * members are refused to other drivers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PassthroughIT extends BusTestSupport {
  private static final long GRACE_MS = 1_500;
  private static final int BURST = 32;
  private static final int WINDOW = 128;

  @Override
  protected Option[] extraOptions() {
    return new Option[] {reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"),
        reactorBundle("vdpa.bundle.simnet"), reactorBundle("vdpa.bundle.virtionet"),
        reactorBundle("vdpa.bundle.passthrough"), reactorBundle("vdpa.bundle.pmd")};
  }

  /** Configures the driver (grace period, groups) and waits for its Vfio service. */
  private Vfio configure(String... groups) throws Exception {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("grace.ms", GRACE_MS);
    p.put("iommu.groups", groups);
    // a configuration of an earlier test may still be there: wait for the component of this one
    String mark = java.util.UUID.randomUUID().toString();
    p.put("it.mark", mark);
    configAdmin.getConfiguration("net.vdpa.driver.passthrough", "?").update(p);
    ServiceTracker<Vfio, Vfio> t = new ServiceTracker<>(context, context.createFilter(
        "(&(objectClass=" + Vfio.class.getName() + ")(it.mark=" + mark + "))"), null);
    t.open();
    Vfio v = t.waitForService(WAIT.toMillis());
    assertNotNull("vfio_vdpa configured", v);
    return v;
  }

  /** Creates a NIC (virtio_net takes it), then moves it to vfio_vdpa with unbind and bind. */
  private void nicOnVfio(String name) throws Exception {
    ServiceTracker<PassthroughDevice, PassthroughDevice> t = new ServiceTracker<>(context,
        context.createFilter("(&(objectClass=" + PassthroughDevice.class.getName() + ")(vdpa.device.name=" + name + "))"),
        null);
    t.open();
    mgmtdev().devAdd(new DevConfig(name, null, null, null, null));
    awaitBound(name, "virtio_net");
    bus.unbind(name);
    bus.bind(name, "vfio_vdpa");
    assertNotNull(name + " published by vfio_vdpa", t.waitForService(WAIT.toMillis()));
    t.close();
  }

  /** Sends numbered frames and checks each that comes back; returns how many came back. */
  private static long traffic(PmdPort port, long frames, int size) {
    Mbuf[] tx = new Mbuf[BURST];
    Mbuf[] rx = new Mbuf[BURST];
    long sent = 0;
    long received = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (received < frames && port.state() == PmdPort.State.RUNNING) {
      int want = (int) Math.min(BURST, Math.min(frames - sent, WINDOW - (sent - received)));
      int got = 0;
      while (got < want) {
        Mbuf m = port.alloc();
        if (m == null) {
          break;
        }
        ByteBuffer d = m.data();
        d.putLong(0, -1L).putInt(6, 0x0200_0000).putShort(10, (short) 1).putShort(12, (short) 0x88b5);
        d.putLong(14, sent + got);
        for (int i = 22; i < size; i++) {
          d.put(i, (byte) (sent + got + i));
        }
        m.length(size);
        tx[got++] = m;
      }
      int took = port.txBurst(tx, got);
      for (int k = took; k < got; k++) {
        port.free(tx[k]);
      }
      sent += took;
      int n = port.rxBurst(rx, BURST);
      for (int k = 0; k < n; k++) {
        ByteBuffer d = rx[k].data();
        assertEquals("length of frame " + received, size, rx[k].length());
        assertEquals("sequence of frame " + received, received, d.getLong(14));
        for (int i = 22; i < size; i++) {
          if (d.get(i) != (byte) (received + i)) {
            fail("frame " + received + " changed at byte " + i);
          }
        }
        received++;
        port.free(rx[k]);
      }
      if (System.nanoTime() > deadline) {
        fail("only " + received + " of " + frames + " frames came back");
      }
    }
    return received;
  }

  @Test
  public void aNicBoundToVfioVdpaMovesFramesBothWaysThroughThePollModeDriver() throws Exception {
    Vfio vfio = configure();
    nicOnVfio("pt0");
    PmdPort port = service(PollModeDriver.class).start("pt0", "it");
    assertEquals(10_000, traffic(port, 10_000, 64));
    assertEquals(10_000, traffic(port, 10_000, 1514));
    assertEquals(20_000, port.stats().txPackets());
    assertEquals(20_000, port.stats().rxPackets());
    assertEquals("it", vfio.handles().get(0).owner());
    assertEquals(1, vfio.containers().get(0).mappings().size());
    assertTrue("no fault: " + vfio.faults(), vfio.faults().isEmpty());
    port.close();
    assertTrue(vfio.containers().isEmpty());
  }

  @Test
  public void uninstallingThePassthroughBundleMidTrafficRevokesWithinTheGracePeriodAndVirtioNetTakesTheDeviceBack()
      throws Exception {
    configure();
    nicOnVfio("pt0");
    PmdPort port = service(PollModeDriver.class).start("pt0", "it");
    AtomicLong moved = new AtomicLong();
    java.util.concurrent.CountDownLatch flowing = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<Long> poller = CompletableFuture.supplyAsync(() -> {
      while (port.state() == PmdPort.State.RUNNING) {
        if (moved.addAndGet(traffic(port, 1_000, 64)) >= 5_000) {
          flowing.countDown();
        }
      }
      return System.nanoTime();
    });
    assertTrue("traffic flows", flowing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    Bundle driver = installed("net.vdpa.driver.passthrough");
    long t0 = System.nanoTime();
    driver.uninstall();
    long stopped = poller.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(stopped - t0);
    System.out.println("PassthroughIT: the poll-mode port let go " + tookMs + " ms after the uninstall began (grace "
        + GRACE_MS + " ms), state " + port.state() + ", " + moved.get() + " frames moved before");
    assertTrue("let go within the grace period: " + tookMs + " ms", tookMs <= GRACE_MS);
    assertTrue("a clean end: " + port.state(), port.state() != PmdPort.State.RUNNING);
    assertEquals("bursts after the end do nothing", 0, port.rxBurst(new Mbuf[1], 1));
    awaitBound("pt0", "virtio_net");
    assertEquals(0, dev("pt0").status & VirtioStatus.DEVICE_NEEDS_RESET);
  }

  @Test
  public void aDeviceAccessOutsideTheContainerIsARecordedFaultAndAnEvent() throws Exception {
    Vfio vfio = configure();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(EventConstants.EVENT_TOPIC, Vfio.TOPIC_FAULT);
    ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class,
        e -> events.add(e.getProperty(Vfio.DEVICE) + " 0x" + Long.toHexString((Long) e.getProperty(Vfio.IOVA))), p);
    try {
      nicOnVfio("pt0");
      IommuGroup g = vfio.groupOf("pt0").orElseThrow();
      IommuContainer c = vfio.openContainer("it");
      g.setContainer(c);
      c.dmaMap(0x10000, ByteBuffer.allocateDirect(3 * 4096), DmaPerm.READ_WRITE);
      DeviceHandle h = g.openDevice("pt0", "it", (d, why, grace) -> {});
      write(h, CommonCfg.DEVICE_STATUS, 0);
      write(h, CommonCfg.DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
      write(h, CommonCfg.GUEST_FEATURE_SELECT, 1);
      write(h, CommonCfg.GUEST_FEATURE, 1); // VIRTIO_F_VERSION_1
      write(h, CommonCfg.DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
      // receive queue at addresses nobody mapped, transmit queue in the mapping
      queue(h, 0, 0x4000_0000L);
      queue(h, 1, 0x10000);
      write(h, CommonCfg.DEVICE_STATUS, 15);
      h.write(Region.NOTIFY, 0, 2, 0);
      String event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull("a fault event", event);
      assertTrue(event, event.startsWith("pt0 0x4000"));
      IommuFault f = vfio.faults().get(0);
      assertEquals("pt0", f.device());
      assertEquals("address range not mapped", f.reason());
      assertTrue("0x" + Long.toHexString(f.iova()), f.iova() >= 0x4000_0000L && f.iova() < 0x4000_3000L);
      h.close();
      c.close();
    } finally {
      reg.unregister();
    }
  }

  private static void write(DeviceHandle h, int offset, long value) {
    h.write(Region.COMMON_CFG, offset, CommonCfg.widthAt(offset), value);
  }

  private static void queue(DeviceHandle h, int q, long base) {
    write(h, CommonCfg.QUEUE_SELECT, q);
    write(h, CommonCfg.QUEUE_SIZE, 64);
    write(h, CommonCfg.QUEUE_DESC_LO, base);
    write(h, CommonCfg.QUEUE_AVAIL_LO, base + 0x1000);
    write(h, CommonCfg.QUEUE_USED_LO, base + 0x2000);
    write(h, CommonCfg.QUEUE_DESC_HI, 0);
    write(h, CommonCfg.QUEUE_AVAIL_HI, 0);
    write(h, CommonCfg.QUEUE_USED_HI, 0);
    write(h, CommonCfg.QUEUE_ENABLE, 1);
  }

  @Test
  public void aGroupWhoseOtherMemberIsBoundElsewhereIsRefusedNamingIt() throws Exception {
    Vfio vfio = configure("7=pa,pb");
    mgmtdev().devAdd(new DevConfig("pb", null, null, null, null));
    awaitBound("pb", "virtio_net");
    nicOnVfio("pa");
    IommuGroup g = vfio.groupOf("pa").orElseThrow();
    assertEquals(7, g.id());
    assertEquals(java.util.List.of("pa", "pb"), g.devices());
    assertEquals(new Viability.Broken("pb", "virtio_net"), g.viability());
    IommuContainer c = vfio.openContainer("it");
    try {
      g.setContainer(c);
      fail("a group with pb on virtio_net was attached");
    } catch (VfioException e) {
      assertEquals(VfioError.NOT_VIABLE, e.error());
      assertEquals("group 7 is not viable: device pb is bound to virtio_net", e.getMessage());
    }
    assertTrue(g.container().isEmpty());
    try {
      service(PollModeDriver.class).start("pa", "it");
      fail("a poll-mode port opened in a group that is not viable");
    } catch (VfioException e) {
      assertEquals("group 7 is not viable: device pb is bound to virtio_net", e.getMessage());
    }
    c.close();
    bus.unbind("pb"); // now every member is on vfio_vdpa or on none
    PmdPort port = service(PollModeDriver.class).start("pa", "it");
    assertEquals(1_000, traffic(port, 1_000, 64));
    port.close();
  }

  @Test
  public void aMemberOfAGroupInUseIsRefusedToOtherDriversUntilTheGroupIsReleased() throws Exception {
    Vfio vfio = configure("7=pa,pb");
    mgmtdev().devAdd(new DevConfig("pb", null, null, null, null));
    awaitBound("pb", "virtio_net");
    bus.unbind("pb");
    nicOnVfio("pa");
    PmdPort port = service(PollModeDriver.class).start("pa", "it");
    String refusal = "refused by vfio_vdpa: iommu group 7 is in use by it through vfio_vdpa: its members may bind"
        + " only to vfio_vdpa until it is released";
    try {
      bus.bind("pb", "virtio_net");
      fail("pb bound to virtio_net while its group is in use");
    } catch (IllegalStateException e) {
      assertEquals("binding device pb to driver virtio_net failed: probe failed: virtio_net: " + refusal, e.getMessage());
    }
    // an override is kept, but the device waits: the bus listing says why
    DeviceDTO pb = bus.setDriverOverride("pb", "virtio_net");
    assertEquals(DeviceDTO.State.UNBOUND, pb.state);
    assertEquals("probe failed: virtio_net: " + refusal, pb.reason);
    assertEquals(new Viability.Viable(), vfio.groupOf("pa").orElseThrow().viability());
    assertEquals(1_000, traffic(port, 1_000, 1514));
    port.close(); // the port's own container closes: the group is free
    awaitBound("pb", "virtio_net");
    assertEquals(DeviceDTO.Placement.OVERRIDE, dev("pb").placement);
  }
}
