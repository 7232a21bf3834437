package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.net.FrameReceiver;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetInterface.SendResult;
import net.vdpa.api.net.NetStats;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.WireKind;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * First traffic: the simulated NIC and the virtio-net driver, two bundles that do not know each
 * other, bound by the bus and carrying real frames through real virtqueues.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class NetIT extends BusTestSupport {

  @Override
  protected Option[] extraOptions() {
    return new Option[] {reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"), reactorBundle("vdpa.bundle.simnet"),
        reactorBundle("vdpa.bundle.virtionet")};
  }

  private PortControl ports() throws Exception {
    ServiceTracker<PortControl, PortControl> t = new ServiceTracker<>(context, PortControl.class, null);
    t.open();
    PortControl p = t.waitForService(WAIT.toMillis());
    assertNotNull("PortControl did not appear", p);
    return p;
  }

  /** Waits for the NetInterface on a device. */
  private static ByteBuffer frame(MacAddress dst, MacAddress src, int len, int seed) {
    ByteBuffer b = ByteBuffer.allocate(len);
    b.put(dst.toBytes()).put(src.toBytes()).putShort((short) 0x88b5);
    for (int i = 14; i < len; i++) {
      b.put((byte) (seed + i * 7));
    }
    return b.flip();
  }

  private static int receive(NetInterface i, int pair, ByteBuffer dst) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (;;) {
      dst.clear();
      int n = i.receive(pair, dst);
      if (n >= 0 || System.nanoTime() > deadline) {
        dst.flip();
        return n;
      }
      Thread.onSpinWait();
    }
  }

  @Test
  public void everyFrameSizeComesBackThroughLoopback() throws Exception {
    mgmtdev().devAdd(new DevConfig("vdpa0", MacAddress.parse("02:00:00:00:00:10"), 1500, null, null));
    NetInterface i = iface("vdpa0");
    awaitBound("vdpa0", "virtio_net");
    assertEquals("02:00:00:00:00:10", i.mac().toString());
    assertEquals(1500, i.mtu());
    ByteBuffer dst = ByteBuffer.allocate(2048);
    long bytes = 0;
    for (int len = 60; len <= 1514; len++) {
      ByteBuffer f = frame(i.mac(), i.mac(), len, len);
      assertEquals(SendResult.SENT, i.send(f));
      assertEquals("frame of " + len + " bytes", len, receive(i, 0, dst));
      assertEquals("frame of " + len + " bytes", f, dst);
      bytes += len;
    }
    NetStats s = i.stats();
    assertEquals(1455, s.txPackets());
    assertEquals(1455, s.rxPackets());
    assertEquals(bytes, s.rxBytes());
  }

  @Test
  public void burstsComeBackWholeAndInOrder() throws Exception {
    mgmtdev().devAdd(DevConfig.named("burst0"));
    NetInterface i = iface("burst0");
    List<ByteBuffer> got = new CopyOnWriteArrayList<>();
    i.setReceiver((pair, f) -> {
      ByteBuffer copy = ByteBuffer.allocate(f.remaining());
      copy.put(f.duplicate()).flip();
      got.add(copy);
    });
    int total = 2000;
    ByteBuffer[] frames = new ByteBuffer[total];
    for (int n = 0; n < total; n++) {
      frames[n] = frame(i.mac(), i.mac(), 60 + n % 1455, n);
    }
    int sent = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sent < total) {
      int n = i.send(0, frames, sent, Math.min(32, total - sent));
      assertTrue("the interface is down after " + sent + " frames", n >= 0);
      sent += n;
      assertTrue("the ring stays full after " + sent + " frames", System.nanoTime() < deadline);
      if (n == 0) {
        Thread.yield();
      }
    }
    await("every frame back", () -> got.size() == total);
    for (int n = 0; n < total; n++) {
      assertEquals("frame " + n, frames[n], got.get(n));
    }
    assertEquals(total, i.stats().txPackets());
    assertEquals(total, i.stats().rxPackets());
    i.setReceiver(null);
  }

  @Test
  public void aPollerOnItsOwnThreadGetsEveryFrameInOrder() throws Exception {
    mgmtdev().devAdd(DevConfig.named("poll0"));
    NetInterface i = iface("poll0");
    List<ByteBuffer> got = new ArrayList<>();
    FrameReceiver r = (pair, f) -> {
      ByteBuffer copy = ByteBuffer.allocate(f.remaining());
      copy.put(f.duplicate()).flip();
      got.add(copy);
    };
    int total = 3000;
    ByteBuffer[] frames = new ByteBuffer[total];
    for (int n = 0; n < total; n++) {
      frames[n] = frame(i.mac(), i.mac(), 60 + n * 7 % 1455, n);
    }
    // no receiver set: this thread sends bursts and takes what came back, at most 64 per poll,
    // keeping no more frames in flight than the receive ring has buffers
    int sent = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (got.size() < total) {
      if (sent < total && sent - got.size() < 128) {
        int n = i.send(0, frames, sent, Math.min(32, total - sent));
        assertTrue("the interface is down after " + sent + " frames", n >= 0);
        sent += n;
      }
      int taken = i.poll(0, r, 64);
      assertTrue("poll took " + taken + " frames with a budget of 64", taken >= 0 && taken <= 64);
      assertTrue("only " + got.size() + " of " + sent + " frames came back", System.nanoTime() < deadline);
      if (taken == 0) {
        Thread.yield();
      }
    }
    for (int n = 0; n < total; n++) {
      assertEquals("frame " + n, frames[n], got.get(n));
    }
    assertEquals(total, i.stats().rxPackets());
    assertEquals(0, i.stats().rxDropped());
    assertEquals(0, i.poll(0, r, 64));
  }

  @Test
  public void jumboFramesComeBackWhole() throws Exception {
    mgmtdev().devAdd(new DevConfig("jumbo", null, 9000, null, null));
    NetInterface i = iface("jumbo");
    ByteBuffer dst = ByteBuffer.allocate(9100);
    for (int len : new int[] {4096, 4097, 8192, 9014}) {
      ByteBuffer f = frame(i.mac(), i.mac(), len, len);
      assertEquals(SendResult.SENT, i.send(f));
      assertEquals(len, receive(i, 0, dst));
      assertEquals(f, dst);
    }
  }

  @Test
  public void twoDevicesJoinedByACableExchangeFramesBothWays() throws Exception {
    VdpaMgmtDevice m = mgmtdev();
    m.devAdd(DevConfig.named("left"));
    m.devAdd(DevConfig.named("right"));
    NetInterface a = iface("left");
    NetInterface b = iface("right");
    ports().cable("left", "right");
    assertEquals(new PortState("left", WireKind.CABLE, "right", null, true, true, true), ports().port("left"));
    ByteBuffer dst = ByteBuffer.allocate(2048);
    for (int n = 0; n < 100; n++) {
      ByteBuffer f = frame(b.mac(), a.mac(), 60 + n * 10, n);
      assertEquals(SendResult.SENT, a.send(f));
      assertEquals(f.remaining(), receive(b, 0, dst));
      assertEquals(f, dst);
      ByteBuffer g = frame(a.mac(), b.mac(), 1514 - n * 10, n);
      assertEquals(SendResult.SENT, b.send(g));
      assertEquals(g.remaining(), receive(a, 0, dst));
      assertEquals(g, dst);
    }
    assertEquals(100, a.stats().rxPackets());
    assertEquals(100, b.stats().rxPackets());
    // the port counts whole frames each way: left sent 60..1050 bytes, right 1514..524
    assertEquals(new PortCounters(100, 101_900, 0, 100, 55_500, 0), ports().counters("left"));
    assertEquals(new PortCounters(100, 55_500, 0, 100, 101_900, 0), ports().counters("right"));
  }

  @Test
  public void captureFileOpensInAnIndependentReader() throws Exception {
    mgmtdev().devAdd(DevConfig.named("cap0"));
    NetInterface i = iface("cap0");
    Path file = Files.createTempFile("vdpa-capture", ".pcap");
    ports().capture("cap0", file);
    List<ByteBuffer> sent = new ArrayList<>();
    for (int n = 0; n < 50; n++) {
      ByteBuffer f = frame(MacAddress.parse("ff:ff:ff:ff:ff:ff"), i.mac(), 60 + n * 29, n);
      sent.add(f.duplicate());
      while (i.send(f) == SendResult.BUSY) {
        Thread.onSpinWait();
      }
    }
    await("50 frames captured", () -> countRecords(file) == 50);
    ports().loopback("cap0");
    List<byte[]> records = readPcap(file);
    for (int n = 0; n < 50; n++) {
      assertEquals("record " + n, sent.get(n), ByteBuffer.wrap(records.get(n)));
    }
    String tshark = TsharkReader.count(file);
    if (tshark != null) {
      assertEquals("tshark's count", "50", tshark);
    }
  }

  @Test
  public void multiqueueSpreadsTrafficAcrossQueuePairs() throws Exception {
    mgmtdev().devAdd(new DevConfig("mq0", null, null, 4, null));
    NetInterface i = iface("mq0");
    assertEquals(4, i.queuePairs());
    ByteBuffer dst = ByteBuffer.allocate(2048);
    for (int p = 0; p < 4; p++) {
      for (int n = 0; n < 10; n++) {
        assertEquals(SendResult.SENT, i.send(p, frame(i.mac(), i.mac(), 100, n)));
        assertEquals(100, receive(i, p, dst));
      }
    }
    for (int p = 0; p < 4; p++) {
      assertEquals("pair " + p, 10, i.stats(p).txPackets());
      assertEquals("pair " + p, 10, i.stats(p).rxPackets());
    }
    // by flow hash: different source addresses land on more than one pair
    for (int n = 0; n < 64; n++) {
      MacAddress src = new MacAddress(0x0200_0000_0000L + n * 7919L);
      assertEquals(SendResult.SENT, i.send(frame(i.mac(), src, 60, n)));
    }
    int used = 0;
    for (int p = 0; p < 4; p++) {
      used += i.stats(p).txPackets() > 10 ? 1 : 0;
    }
    assertTrue("hashed frames used " + used + " pair(s)", used >= 2);
  }

  @Test
  public void uninstallingTheDriverUnderTrafficIsClean() throws Exception {
    mgmtdev().devAdd(DevConfig.named("hot0"));
    NetInterface i = iface("hot0");
    AtomicLong received = new AtomicLong();
    i.setReceiver((pair, f) -> received.incrementAndGet());
    Sender sender = new Sender(i);
    sender.start();
    await("traffic flows", () -> received.get() > 1000);
    Bundle driver = installed("net.vdpa.driver.virtionet");
    String location = driver.getLocation();
    driver.uninstall();
    sender.join(10_000);
    assertNull("the sender saw " + sender.failure.get(), sender.failure.get());
    assertTrue("the sender saw the interface go down", sender.down.get() > 0);
    // the driver's leaving makes it NEW until the bus has asked the drivers left (they are all
    // gone here): a transition the bus ends on its own
    await(() -> "hot0 settled, is " + dev("hot0").state, () -> !dev("hot0").state.inTransition());
    assertEquals(DeviceDTO.State.UNBOUND, dev("hot0").state);
    assertEquals(0, dev("hot0").status);
    NetStats s = i.stats();
    // every frame the sender got SENT for is accounted for: received, or counted as dropped
    long deviceDrops = deviceDrops("hot0");
    assertEquals("sent " + sender.sent + ", stats " + s + ", device drops " + deviceDrops,
        sender.sent.get(), received.get() + s.rxDropped() + (s.txDropped() - sender.down.get()) + deviceDrops);
    assertTrue("worker threads left: " + deviceThreads("hot0"), deviceThreads("hot0").isEmpty());
    // reinstall: traffic comes back
    context.installBundle(location).start();
    NetInterface again = iface("hot0");
    assertEquals(SendResult.SENT, again.send(frame(again.mac(), again.mac(), 60, 1)));
    assertEquals(60, receive(again, 0, ByteBuffer.allocate(100)));
  }

  @Test
  public void uninstallingTheDeviceBundleRemovesTheInterfaceFirst() throws Exception {
    mgmtdev().devAdd(DevConfig.named("hot1"));
    NetInterface i = iface("hot1");
    // the device service is gone when its reference loses its bundle; look at that when the
    // interface is being unregistered
    ServiceReference<VdpaDevice> deviceRef = context.getServiceReferences(VdpaDevice.class,
        "(" + VdpaDevice.PROP_NAME + "=hot1)").iterator().next();
    List<String> order = new CopyOnWriteArrayList<>();
    ServiceListener l = e -> {
      if (e.getType() == ServiceEvent.UNREGISTERING) {
        String[] classes = (String[]) e.getServiceReference().getProperty("objectClass");
        String kind = classes[0].substring(classes[0].lastIndexOf('.') + 1);
        order.add(kind + (deviceRef.getBundle() != null ? " (device still registered)" : " (device gone)"));
      }
    };
    context.addServiceListener(l);
    Sender sender = new Sender(i);
    sender.start();
    await("traffic flows", () -> i.stats().rxPackets() + i.stats().rxDropped() > 100 || sender.sent.get() > 1000);
    installed("net.vdpa.device.simnet").uninstall();
    sender.join(10_000);
    context.removeServiceListener(l);
    assertNull("the sender saw " + sender.failure.get(), sender.failure.get());
    assertTrue(order.toString(), order.contains("NetInterface (device still registered)"));
    assertTrue(bus.devices().isEmpty());
  }

  /** Drops the device counted on its queues (no receive buffer, filter). */
  private long deviceDrops(String device) throws Exception {
    long drops = 0;
    for (ServiceReference<VdpaDevice> r : context.getServiceReferences(VdpaDevice.class, "(" + VdpaDevice.PROP_NAME + "=" + device + ")")) {
      VdpaDevice d = context.getService(r);
      for (int q = 0; q < d.vqCount(); q++) {
        for (var e : d.vendorVqStats(q).entrySet()) {
          if (e.getKey().equals("rx_drops") || e.getKey().equals("rx_overruns")) {
            drops += e.getValue();
          }
        }
      }
      context.ungetService(r);
    }
    return drops;
  }

  private static List<String> deviceThreads(String device) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().contains(device)) {
        names.add(t.getName());
      }
    }
    return names;
  }

  private static int countRecords(Path file) {
    try {
      return readPcap(file).size();
    } catch (IOException e) {
      return -1;
    }
  }

  /** A classic pcap reader, independent of the writer: global header, then records. */
  static List<byte[]> readPcap(Path file) throws IOException {
    List<byte[]> out = new ArrayList<>();
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    if (all.length < 24) {
      return out;
    }
    int magic = b.getInt(0);
    if (magic == 0xd4c3b2a1) {
      b.order(ByteOrder.BIG_ENDIAN);
    } else if (magic != 0xa1b2c3d4) {
      throw new IOException("not a classic pcap file: magic 0x" + Integer.toHexString(magic));
    }
    assertEquals("version major", 2, b.getShort(4));
    assertEquals("version minor", 4, b.getShort(6));
    assertEquals("link type Ethernet", 1, b.getInt(20));
    int pos = 24;
    while (pos + 16 <= all.length) {
      int incl = b.getInt(pos + 8);
      int orig = b.getInt(pos + 12);
      if (pos + 16 + incl > all.length) {
        break;
      }
      assertEquals(orig, incl);
      byte[] rec = new byte[incl];
      System.arraycopy(all, pos + 16, rec, 0, incl);
      out.add(rec);
      pos += 16 + incl;
    }
    return out;
  }

  /** Sends continuously until the interface reports it is down. */
  private static final class Sender extends Thread {
    final NetInterface iface;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong down = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Sender(NetInterface iface) {
      super("test-sender");
      this.iface = iface;
      setDaemon(true);
    }

    @Override
    public void run() {
      ByteBuffer f = frame(iface.mac(), iface.mac(), 200, 3);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      try {
        while (System.nanoTime() < deadline) {
          SendResult r = iface.send(f);
          if (r == SendResult.SENT) {
            sent.incrementAndGet();
          } else if (r == SendResult.DOWN) {
            if (down.incrementAndGet() > 100) {
              return;
            }
          } else if (r == SendResult.BUSY) {
            Thread.onSpinWait();
          }
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }
  }

  /** Counts a capture's packets with tshark, when it is installed. */
  static final class TsharkReader {
    static String count(Path file) throws Exception {
      Path tshark = Path.of("/usr/bin/tshark");
      if (!Files.isExecutable(tshark)) {
        System.out.println("tshark is not installed: the capture was checked with the test's own pcap reader only");
        return null;
      }
      Process p = new ProcessBuilder(tshark.toString(), "-r", file.toString(), "-T", "fields", "-e", "frame.number")
          .redirectErrorStream(false).start();
      List<String> lines;
      try (InputStream in = p.getInputStream()) {
        lines = new String(in.readAllBytes()).lines().filter(s -> !s.isBlank()).toList();
      }
      p.waitFor(30, TimeUnit.SECONDS);
      return Integer.toString(lines.size());
    }
  }
}
