package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.Stay;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetInterface.SendResult;
import net.vdpa.api.vhost.VhostVdpa;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * A device goes back where it belongs: with the real simulated NIC, virtio_net and vhost_vdpa,
 * stopping, starting and updating the virtio_net bundle under traffic brings every device back to
 * virtio_net and never hands one to vhost_vdpa by autoprobe; a device the user put on vhost_vdpa
 * (bind, override) stays there and the bus says why.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DriverReturnIT extends BusTestSupport {
  private static final String WAITING = "waiting for driver virtio_net to come back; no driver takes it by autoprobe "
      + "(vhost_vdpa on request only: bind or driver override)";

  /** Bus events as {@code TOPIC device driver}. */
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  protected Option[] extraOptions() {
    return new Option[] {mavenBundle("net.java.dev.jna", "jna").versionAsInProject(), reactorBundle("vdpa.bundle.unix"),
        reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"), reactorBundle("vdpa.bundle.simnet"), reactorBundle("vdpa.bundle.virtionet"),
        reactorBundle("vdpa.bundle.vhost")};
  }

  @Before
  public void recordEvents() {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(EventConstants.EVENT_TOPIC, VdpaEvents.TOPIC_ALL);
    context.registerService(EventHandler.class, e -> events.add(e.getTopic().substring(e.getTopic().lastIndexOf('/') + 1)
        + " " + e.getProperty(VdpaEvents.DEVICE) + " " + e.getProperty(VdpaEvents.DRIVER)), p);
  }

  @Test
  public void stoppingAndStartingVirtioNetUnderTrafficBringsEveryDeviceBackWithoutVhost() throws Exception {
    Traffic before = twoDevicesWithTrafficOnA0();
    Bundle virtioNet = installed("net.vdpa.driver.virtionet");
    virtioNet.stop();
    before.join(10_000);
    assertNull("the sender saw " + before.failure.get(), before.failure.get());
    assertTrue("the sender saw the interface go down", before.down.get() > 0);
    for (String d : new String[] {"a0", "a1"}) {
      await(d + " idle", () -> WAITING.equals(dev(d).reason));
      assertEquals(DeviceDTO.State.UNBOUND, dev(d).state);
      assertEquals("virtio_net", dev(d).displacedFrom);
    }
    assertNull("vhost_vdpa took a device by autoprobe", context.getServiceReferences(VhostVdpa.class.getName(), null));
    virtioNet.start();
    backOnVirtioNetWithTraffic();
  }

  @Test
  public void updatingVirtioNetUnderTrafficBringsEveryDeviceBackWithoutVhost() throws Exception {
    Traffic before = twoDevicesWithTrafficOnA0();
    Bundle virtioNet = installed("net.vdpa.driver.virtionet");
    virtioNet.update(); // stop, new revision, start: the devices wait idle meanwhile
    before.join(10_000);
    assertNull("the sender saw " + before.failure.get(), before.failure.get());
    assertTrue("the sender saw the interface go down", before.down.get() > 0);
    backOnVirtioNetWithTraffic();
    for (String d : new String[] {"a0", "a1"}) {
      String bound = "BOUND " + d + " virtio_net";
      await(d + " unbound and bound again", () -> events.contains("UN" + bound)
          && events.stream().filter(bound::equals).count() == 2);
    }
  }

  private Traffic twoDevicesWithTrafficOnA0() throws Exception {
    VdpaMgmtDevice m = mgmtdev();
    m.devAdd(DevConfig.named("a0"));
    m.devAdd(DevConfig.named("a1"));
    Traffic t = new Traffic(iface("a0"));
    t.start();
    await("traffic flows", () -> t.received.get() > 1000);
    awaitBound("a1", "virtio_net");
    return t;
  }

  private void backOnVirtioNetWithTraffic() throws Exception {
    for (String d : new String[] {"a0", "a1"}) {
      awaitBound(d, "virtio_net");
      assertNull(dev(d).displacedFrom);
      assertEquals(Placement.AUTOPROBE, dev(d).placement);
    }
    Traffic after = new Traffic(iface("a0"));
    after.start();
    await("traffic flows again", () -> after.received.get() > 1000);
    after.interrupt();
    after.join(10_000);
    assertNull(context.getServiceReferences(VhostVdpa.class.getName(), null));
    assertTrue(events.toString(), events.stream().noneMatch(e -> e.startsWith("BOUND") && e.endsWith("vhost_vdpa")));
  }

  @Test
  public void aDeviceTheUserBoundToVhostStaysWhenVirtioNetReturnsAndSaysWhy() throws Exception {
    VdpaMgmtDevice m = mgmtdev();
    m.devAdd(DevConfig.named("b0"));
    m.devAdd(DevConfig.named("c0"));
    awaitBound("b0", "virtio_net");
    awaitBound("c0", "virtio_net");
    Bundle virtioNet = installed("net.vdpa.driver.virtionet");
    virtioNet.stop();
    await("b0 idle", () -> WAITING.equals(dev("b0").reason));
    assertEquals(Placement.BIND, bus.bind("b0", "vhost_vdpa").placement);
    bus.setDriverOverride("c0", "vhost_vdpa");
    awaitBound("c0", "vhost_vdpa");
    virtioNet.start();
    await("b0 stays", () -> dev("b0").stay != null);
    await("c0 stays", () -> dev("c0").stay != null);
    DeviceDTO b0 = dev("b0");
    assertEquals("vhost_vdpa", b0.driver);
    assertEquals(Stay.PLACED_BY_BIND, b0.stay);
    assertEquals("placed on vhost_vdpa by bind", b0.stayReason);
    assertEquals("virtio_net", b0.displacedFrom);
    DeviceDTO c0 = dev("c0");
    assertEquals("vhost_vdpa", c0.driver);
    assertEquals(Stay.PLACED_BY_OVERRIDE, c0.stay);
    assertEquals("placed on vhost_vdpa by driver override", c0.stayReason);
    assertEquals(2, context.getServiceReferences(VhostVdpa.class.getName(), null).length);
    await("stays events", () -> events.contains("STAYS b0 vhost_vdpa") && events.contains("STAYS c0 vhost_vdpa"));
  }

  /** Sends frames to the interface's own MAC (the loopback wire brings them back) until it goes down. */
  private static final class Traffic extends Thread {
    final NetInterface iface;
    final AtomicLong received = new AtomicLong();
    final AtomicLong down = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Traffic(NetInterface iface) {
      super("test-traffic");
      this.iface = iface;
      setDaemon(true);
      iface.setReceiver((pair, f) -> received.incrementAndGet());
    }

    @Override
    public void run() {
      ByteBuffer f = ByteBuffer.allocate(200);
      f.put(iface.mac().toBytes()).put(iface.mac().toBytes()).putShort((short) 0x88b5).position(200).flip();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      try {
        while (System.nanoTime() < deadline && !isInterrupted()) {
          SendResult r = iface.send(f.duplicate());
          if (r == SendResult.DOWN && down.incrementAndGet() > 100) {
            return;
          } else if (r != SendResult.SENT) {
            Thread.onSpinWait();
          }
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }
  }
}
