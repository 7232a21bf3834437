package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DriverDTO;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** The bus's binding rules, with real device and driver bundles coming and going. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BusIT extends BusTestSupport {

  @Test
  public void deviceBeforeAndAfterTheDriversBindsToTheBestScore() throws Exception {
    // The device is on the bus before any driver; while autoprobe is off both drivers arrive, so
    // when matching runs both are present and the better one wins.
    bus.setAutoprobe(false);
    Fixtures.devices(context, "early", "early");
    Fixtures.drivers(context, "low", "low;score=5");
    Fixtures.drivers(context, "high", "high;score=10");
    assertEquals(DeviceDTO.State.UNBOUND, dev("early").state);
    assertEquals("autoprobe is off for the bus", dev("early").reason);
    bus.setAutoprobe(true);
    awaitBound("early", "high");
    // a device that arrives after the drivers
    Fixtures.devices(context, "late", "late");
    awaitBound("late", "high");
    assertEquals(List.of("probe high early", "probe high late"), journal);
  }

  @Test
  public void firstDriverToArriveTakesAnIdleDeviceAndKeepsIt() throws Exception {
    Fixtures.devices(context, "devs", "d");
    Fixtures.drivers(context, "low", "low;score=5");
    awaitBound("d", "low");
    Fixtures.drivers(context, "high", "high;score=10");
    // no stealing: a bound device stays with its driver
    assertEquals("low", bus.probe("d").driver);
    assertEquals(0, bus.drivers().stream().filter(x -> x.name.equals("high")).findFirst().orElseThrow().devices.length);
  }

  @Test
  public void overrideWinsOverScoreAndWaitsForAnAbsentDriver() throws Exception {
    Fixtures.drivers(context, "drivers", "virtio_net;score=10,low;score=1");
    Fixtures.devices(context, "devs", "a,b");
    awaitBound("a", "virtio_net");
    awaitBound("b", "virtio_net");
    assertEquals("low", bus.setDriverOverride("a", "low").driver);
    DeviceDTO waiting = bus.setDriverOverride("b", "vhost_vdpa");
    assertEquals(DeviceDTO.State.UNBOUND, waiting.state);
    assertEquals("waiting for driver 'vhost_vdpa' (driver override; it is not loaded)", waiting.reason);
    assertEquals(0, waiting.status);
    Fixtures.drivers(context, "vhost", "vhost_vdpa;score=1");
    awaitBound("b", "vhost_vdpa");
    assertTrue(journal.contains("remove virtio_net b status=15"));
  }

  @Test
  public void uninstallingTheBoundDriverRebindsToTheNextAndReinstallTakesItBack() throws Exception {
    List<String> topics = new CopyOnWriteArrayList<>();
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(EventConstants.EVENT_TOPIC, VdpaEvents.TOPIC_ALL);
    context.registerService(EventHandler.class, e -> topics.add(e.getTopic() + " " + e.getProperty(VdpaEvents.DEVICE)
        + " " + e.getProperty(VdpaEvents.DRIVER) + (e.getProperty(VdpaEvents.FROM) == null ? "" : " from " + e.getProperty(VdpaEvents.FROM))), p);

    Bundle best = Fixtures.drivers(context, "best", "best;score=10");
    Fixtures.drivers(context, "next", "next;score=5");
    Fixtures.devices(context, "devs", "d");
    awaitBound("d", "best");
    best.uninstall();
    awaitBound("d", "next");
    // the driver's remove ran before its service was gone; the device was then matched again
    assertEquals("probe best d", journal.get(0));
    assertEquals("remove best d status=15", journal.get(1));
    assertTrue(journal.toString(), journal.indexOf("unregistered driver best") > 1);
    assertTrue(journal.toString(), journal.indexOf("probe next d") > 1);
    assertEquals("best", dev("d").displacedFrom);
    await("moved event", () -> topics.contains(VdpaEvents.DEVICE_MOVED + " d next from best"));
    assertTrue(topics.toString(), topics.indexOf(VdpaEvents.DEVICE_UNBOUND + " d best") < topics.indexOf(VdpaEvents.DEVICE_BOUND + " d next"));
    // reinstalled: the device the bus moved goes back where it belongs
    Fixtures.drivers(context, "best2", "best;score=10");
    awaitBound("d", "best");
    await("moved back event", () -> topics.contains(VdpaEvents.DEVICE_MOVED + " d best from next"));
    assertTrue(journal.toString(), journal.contains("remove next d status=15"));
    assertNull(dev("d").displacedFrom);
    assertEquals(DeviceDTO.Placement.AUTOPROBE, dev("d").placement);
  }

  @Test
  public void aNewcomerDoesNotTakeABoundDevice() throws Exception {
    Bundle best = Fixtures.drivers(context, "best", "best;score=10");
    Fixtures.drivers(context, "next", "next;score=5");
    Fixtures.devices(context, "devs", "d");
    awaitBound("d", "best");
    best.uninstall();
    awaitBound("d", "next");
    Fixtures.drivers(context, "other", "other;score=20");
    await("other is on the bus", () -> bus.drivers().stream().anyMatch(x -> x.name.equals("other")));
    assertEquals("next", bus.probe("d").driver);
    assertTrue(journal.toString(), journal.stream().noneMatch(l -> l.startsWith("probe other")));
  }

  @Test
  public void stoppingADeviceBundleRunsRemoveBeforeTheDeviceGoes() throws Exception {
    Fixtures.drivers(context, "drv", "drv;score=2");
    Bundle devs = Fixtures.devices(context, "devs", "x,y");
    awaitBound("x", "drv");
    awaitBound("y", "drv");
    devs.stop();
    // each device's unregister() returned only after its driver's remove had run
    assertTrue(journal.toString(), journal.indexOf("remove drv x status=15") >= 0);
    assertTrue(journal.toString(), journal.indexOf("remove drv x status=15") < journal.indexOf("unregistered device x"));
    assertTrue(journal.toString(), journal.indexOf("remove drv y status=15") >= 0);
    assertTrue(journal.toString(), journal.indexOf("remove drv y status=15") < journal.indexOf("unregistered device y"));
    assertTrue(bus.devices().isEmpty());
  }

  @Test
  public void autoprobeOffLeavesDevicesIdleUntilBind() throws Exception {
    bus.setAutoprobe(false);
    Fixtures.drivers(context, "drv", "drv;score=1");
    Fixtures.devices(context, "devs", "d");
    assertEquals(DeviceDTO.State.UNBOUND, dev("d").state);
    assertTrue(journal.isEmpty());
    DeviceDTO bound = bus.bind("d", "drv");
    assertEquals(DeviceDTO.State.BOUND, bound.state);
    assertEquals(15, bound.status);
    // per-device autoprobe: a device switched off stays idle when the bus is on
    Fixtures.devices(context, "more", "e");
    bus.setAutoprobe("e", false);
    bus.setAutoprobe(true);
    assertEquals(DeviceDTO.State.UNBOUND, dev("e").state);
    assertEquals("autoprobe is off for this device", dev("e").reason);
  }

  @Test
  public void bindErrorsNameTheValues() throws Exception {
    Fixtures.drivers(context, "drv", "drv;score=2");
    Fixtures.devices(context, "devs", "d");
    awaitBound("d", "drv");
    expect(() -> bus.bind("d", "drv"), "device d is already bound to driver drv");
    expect(() -> bus.bind("nosuch", "drv"), "no device 'nosuch' on the bus (devices: d)");
    bus.unbind("d");
    expect(() -> bus.bind("d", "vhost-vdpa"), "no driver 'vhost-vdpa' on the bus (drivers: drv)");
    assertNull(bus.setDriverOverride("d", "vhost-vdpa").driver);
    assertEquals("waiting for driver 'vhost-vdpa' (driver override; it is not loaded)", dev("d").reason);
  }

  @Test
  public void throwingAndHangingProbesDoNotBlockOthersAndSayWhy() throws Exception {
    probeTimeout(300);
    Fixtures.drivers(context, "bad", "thrower;score=30;probe=throw,hanger;score=20;probe=hang,good;score=10");
    Fixtures.devices(context, "devs", "d;count=8");
    for (int i = 0; i < 8; i++) {
      awaitBound("d" + i, "good");
    }
    bus.unbind("d0");
    bus.setDriverOverride("d0", "thrower");
    assertEquals("probe failed: thrower: IllegalStateException: thrower refuses d0", dev("d0").reason);
    bus.setDriverOverride("d0", "hanger");
    assertEquals("probe failed: hanger: probe timed out after 300 ms", dev("d0").reason);
    bus.setDriverOverride("d0", null);
    awaitBound("d0", "good");
  }

  @Test
  public void thousandDevicesAndThreeDriversBindAndMove() throws Exception {
    Bundle a = Fixtures.drivers(context, "a", "a;score=10;match=even");
    Fixtures.drivers(context, "b", "b;score=5");
    Fixtures.drivers(context, "c", "c;score=1;match=none");
    Fixtures.devices(context, "many", "dev;count=1000");
    await("1000 bound", () -> bus.devices().stream().filter(d -> d.state == DeviceDTO.State.BOUND).count() == 1000);
    assertEquals(500, devicesOf("a").size());
    assertEquals(500, devicesOf("b").size());
    assertEquals(0, devicesOf("c").size());
    for (String d : devicesOf("a")) {
      assertEquals(0, Integer.parseInt(d.substring(3)) % 2);
    }
    a.uninstall();
    await("all on b", () -> devicesOf("b").size() == 1000);
    assertEquals(1000, bus.devices().size());
    assertEquals(500, journal.stream().filter(l -> l.startsWith("remove a ")).count());
  }

  private List<String> devicesOf(String driver) {
    List<String> out = new ArrayList<>();
    for (DriverDTO d : bus.drivers()) {
      if (d.name.equals(driver)) {
        out.addAll(List.of(d.devices));
      }
    }
    return out;
  }

  private static void expect(Runnable r, String message) {
    try {
      r.run();
      fail("expected an error: " + message);
    } catch (IllegalArgumentException | IllegalStateException e) {
      assertEquals(message, e.getMessage());
    }
  }
}
