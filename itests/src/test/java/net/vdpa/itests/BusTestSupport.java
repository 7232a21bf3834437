package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.inject.Inject;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.net.NetInterface;
import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What every bus suite shares: the framework's contents (SCR, ConfigAdmin, Event Admin, Log and
 * the bus and API bundles built by the reactor), a journal the fixture drivers write to, and waits
 * on bus state that time out instead of sleeping.
 */
public abstract class BusTestSupport {
  static final Duration WAIT = Duration.ofSeconds(20);

  @Inject
  protected BundleContext context;

  @Inject
  protected VdpaBus bus;

  @Inject
  protected ConfigurationAdmin configAdmin;

  /** What the fixture drivers reported, in order. */
  protected final List<String> journal = new CopyOnWriteArrayList<>();
  private ServiceRegistration<?> journalReg;

  @Configuration
  public Option[] config() {
    return org.ops4j.pax.exam.OptionUtils.combine(baseOptions(), extraOptions());
  }

  /** What a suite adds to the framework beyond the bus. */
  protected Option[] extraOptions() {
    return new Option[0];
  }

  private Option[] baseOptions() {
    return options(
        junitBundles(),
        systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
        systemProperty("vdpa.bundle.fixtures").value(System.getProperty("vdpa.bundle.fixtures")),
        mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
        mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
        mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
        mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
        mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
        mavenBundle("org.apache.felix", "org.apache.felix.eventadmin").versionAsInProject(),
        mavenBundle("org.apache.felix", "org.apache.felix.log").versionAsInProject(),
        reactorBundle("vdpa.bundle.api"),
        reactorBundle("vdpa.bundle.bus"));
  }

  /** A bundle the reactor built, by the file path failsafe passes in. */
  static Option reactorBundle(String property) {
    String path = System.getProperty(property);
    if (path == null || !new File(path).isFile()) {
      throw new IllegalStateException("bundle for " + property + " not found at " + path + "; build the reactor first");
    }
    return bundle(new File(path).toURI().toString());
  }

  @Before
  public void openJournal() {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("vdpa.test.journal", "true");
    Consumer<String> sink = journal::add;
    journalReg = context.registerService(Consumer.class.getName(), sink, p);
  }

  @After
  public void closeJournal() {
    journalReg.unregister();
  }

  /** Sets the bus's probe timeout through ConfigAdmin and waits until the bus reports it. */
  protected void probeTimeout(long millis) throws Exception {
    org.osgi.service.cm.Configuration c = configAdmin.getConfiguration("net.vdpa.bus", "?");
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("probe.timeout.ms", millis);
    c.update(p);
    await("probe timeout " + millis, () -> bus.state().probeTimeoutMillis == millis);
  }

  protected static void await(String what, BooleanSupplier condition) {
    await(() -> what, condition);
  }

  /** Waits for a condition; {@code what} is read when the time runs out, so it can say how things are then. */
  protected static void await(Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for: " + what.get());
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what.get());
      }
    }
  }

  /** The installed bundle with this symbolic name. */
  protected Bundle installed(String bsn) {
    for (Bundle b : context.getBundles()) {
      if (bsn.equals(b.getSymbolicName())) {
        return b;
      }
    }
    throw new AssertionError("no bundle " + bsn + " is installed");
  }

  /** A service, waiting for it. */
  /**
   * Waits for a service of a type whose properties match {@code property} ({@code key=value}).
   *
   * @param type the service type
   * @param property the property to match
   * @param what what it is, for the failure message
   * @return the service
   */
  protected <T> T tracked(Class<T> type, String property, String what) throws Exception {
    ServiceTracker<T, T> t = new ServiceTracker<>(context, context.createFilter(
        "(&(objectClass=" + type.getName() + ")(" + property + "))"), null);
    t.open();
    T s = t.waitForService(WAIT.toMillis());
    assertNotNull(what + " did not appear", s);
    return s;
  }

  /** Submits one block request and waits for its completion. */
  protected static net.vdpa.api.blk.BlockDevice.BlockStatus await(
      java.util.function.Function<net.vdpa.api.blk.BlockDevice.Completion, net.vdpa.api.blk.BlockDevice.Submit> submit)
      throws InterruptedException {
    java.util.concurrent.CountDownLatch l = new java.util.concurrent.CountDownLatch(1);
    net.vdpa.api.blk.BlockDevice.BlockStatus[] got = new net.vdpa.api.blk.BlockDevice.BlockStatus[1];
    assertEquals(net.vdpa.api.blk.BlockDevice.Submit.QUEUED, submit.apply((tag, st) -> {
      got[0] = st;
      l.countDown();
    }));
    assertTrue("completed", l.await(5, java.util.concurrent.TimeUnit.SECONDS));
    return got[0];
  }

  protected <T> T service(Class<T> type) throws Exception {
    ServiceTracker<T, T> t = new ServiceTracker<>(context, type, null);
    t.open();
    T s = t.waitForService(WAIT.toMillis());
    if (s == null) {
      throw new AssertionError(type.getSimpleName() + " did not appear");
    }
    return s;
  }

  /** The simulated NIC's management device, waiting for it. */
  protected VdpaMgmtDevice mgmtdev() throws Exception {
    return service(VdpaMgmtDevice.class);
  }

  protected DeviceDTO dev(String name) {
    return bus.device(name).orElseThrow(() -> new AssertionError("no device " + name + " on the bus"));
  }

  protected void awaitBound(String device, String driver) {
    await(() -> device + " bound to " + driver + " (now " + onTheBus(device) + ")",
        () -> bus.device(device).map(d -> d.state == DeviceDTO.State.BOUND && driver.equals(d.driver)).orElse(false));
  }

  /** Where a device is on the bus now, for failure messages: state, driver and why. */
  protected String onTheBus(String device) {
    return bus.device(device).map(d -> d.state + " " + d.driver + " " + d.reason).orElse("absent");
  }

  /** Waits for the interface a network driver publishes on a device. */
  protected NetInterface iface(String device) throws Exception {
    ServiceTracker<NetInterface, NetInterface> t = new ServiceTracker<>(context,
        context.createFilter("(&(objectClass=" + NetInterface.class.getName() + ")(" + NetInterface.PROP_DEVICE + "=" + device + "))"), null);
    t.open();
    NetInterface i = t.waitForService(WAIT.toMillis());
    assertNotNull("no NetInterface appeared on " + device + " (" + bus.device(device).map(d -> d.state + ": " + d.reason)
        .orElse("no device") + ")", i);
    return i;
  }

  /** An Ethernet frame of {@code len} bytes (ethertype 0x88b5, local experimental), content by position. */
  protected static ByteBuffer frame(MacAddress dst, MacAddress src, int len) {
    ByteBuffer b = ByteBuffer.allocate(len);
    b.put(dst.toBytes()).put(src.toBytes()).putShort((short) 0x88b5);
    while (b.hasRemaining()) {
      b.put((byte) b.position());
    }
    return b.flip();
  }

  /** Sends n 64-byte frames on queue pair 0, retrying while the ring is full; returns when all were taken. */
  protected static void send(NetInterface from, NetInterface to, int n) {
    ByteBuffer f = frame(to.mac(), from.mac(), 64);
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (int i = 0; i < n; i++) {
      NetInterface.SendResult r;
      while ((r = from.send(0, f.duplicate())) == NetInterface.SendResult.BUSY) {
        assertTrue("the transmit ring of " + from.name() + " stayed full", System.nanoTime() < deadline);
        Thread.onSpinWait();
      }
      assertEquals(NetInterface.SendResult.SENT, r);
    }
  }
}
