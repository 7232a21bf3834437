package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.vhost.VhostVdpa;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The vhost driver's lifecycle leaves nothing behind: stopping and starting its bundle, and
 * uninstalling and installing it again, with a device bound to it and a frontend (the JDK's own
 * Unix socket channel, a peer independent of ours) talking to each new socket. Descriptors, threads
 * and heap after garbage collection must come back to within a small bound of a baseline taken
 * after a warm-up, and the class loaders of uninstalled copies must be collected; the figures are
 * printed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class VhostLifecycleIT extends BusTestSupport {
  private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:43");
  private static final int WARM_UP = 10;

  @Override
  protected Option[] extraOptions() {
    return new Option[] {mavenBundle("net.java.dev.jna", "jna").versionAsInProject(), reactorBundle("vdpa.bundle.unix"),
        reactorBundle("vdpa.bundle.ring"),
        reactorBundle("vdpa.bundle.devicecore"), reactorBundle("vdpa.bundle.simnet"), reactorBundle("vdpa.bundle.virtionet"), reactorBundle("vdpa.bundle.vhost")};
  }

  /** What the process holds. */
  private record Usage(long fds, int threads, long heap) {
    static Usage now() throws Exception {
      long heap = Long.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        System.gc();
        heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      }
      try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
        return new Usage(s.count(), ManagementFactory.getThreadMXBean().getThreadCount(), heap);
      }
    }

    String against(Usage base) {
      return String.format("fds %d -> %d (%+d), threads %d -> %d (%+d), heap after GC %.1f -> %.1f MB (%+.2f MB)",
          base.fds, fds, fds - base.fds, base.threads, threads, threads - base.threads, base.heap / 1e6, heap / 1e6,
          (heap - base.heap) / 1e6);
    }
  }

  private void bindToVhost() throws Exception {
    mgmtdev().devAdd(new DevConfig("vdpa0", MAC, null, null, null));
    bus.setDriverOverride("vdpa0", "vhost_vdpa");
    awaitBound("vdpa0", "vhost_vdpa");
  }

  /** Waits for the device's vhost service and has a frontend exchange GET_FEATURES on its socket. */
  private void talkToTheSocket(ServiceTracker<VhostVdpa, VhostVdpa> vhost, int cycle) throws Exception {
    VhostVdpa v = vhost.waitForService(WAIT.toMillis());
    assertNotNull("cycle " + cycle + ": no vhost service; vdpa0 is " + onTheBus("vdpa0"), v);
    awaitBound("vdpa0", "vhost_vdpa");
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(v.socketPath()))) {
      ByteBuffer out = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      out.putInt(3).putInt(1).putInt(0); // SET_OWNER
      out.putInt(1).putInt(1).putInt(0); // GET_FEATURES
      out.flip();
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ByteBuffer in = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
      while (in.hasRemaining()) {
        assertTrue("cycle " + cycle + ": the backend closed instead of replying", ch.read(in) >= 0);
      }
      assertEquals("reply to GET_FEATURES", 1, in.getInt(0));
      assertTrue("features offered", in.getLong(12) != 0);
    }
    await("cycle " + cycle + ": the frontend has left", () -> vhost.getService() != null
        && vhost.getService().owner().isEmpty());
  }


  @Test
  public void stoppingAndStartingTheDriver150TimesLeavesNothingBehind() throws Exception {
    bindToVhost();
    ServiceTracker<VhostVdpa, VhostVdpa> vhost = new ServiceTracker<>(context, VhostVdpa.class, null);
    vhost.open();
    Bundle b = installed("net.vdpa.driver.vhost");
    Usage base = null;
    for (int i = 0; i < WARM_UP + 150; i++) {
      if (i == WARM_UP) {
        base = Usage.now();
      }
      b.stop();
      await("vhost service gone", () -> vhost.getService() == null);
      b.start();
      talkToTheSocket(vhost, i);
    }
    Usage end = Usage.now();
    String figures = end.against(base);
    System.out.println("VhostLifecycleIT: 150 stop/start cycles of the vhost driver: " + figures);
    assertTrue("descriptors leak: " + figures, end.fds - base.fds <= 3);
    assertTrue("threads leak: " + figures, end.threads - base.threads <= 3);
    assertTrue("heap grows: " + figures, end.heap - base.heap < 2_000_000);
  }

  @Test
  public void stoppingAndStartingTheDriverInClientMode50TimesLeavesNothingBehind() throws Exception {
    Path dir = Files.createTempDirectory("vhost-client"); // mode 0700: a safe place for the frontend's socket
    Path sock = dir.resolve("fe.sock");
    Hashtable<String, Object> config = new Hashtable<>();
    config.put("clients", new String[] {"vdpa0=" + sock});
    config.put("reconnect_min_ms", 5);
    config.put("reconnect_max_ms", 20);
    ServiceTracker<VhostVdpa, VhostVdpa> vhost = new ServiceTracker<>(context, VhostVdpa.class, null);
    vhost.open();
    // configured while the driver is stopped, so that it starts with it (DS reads it at activation)
    Bundle driver = installed("net.vdpa.driver.vhost");
    driver.stop();
    configAdmin.getConfiguration("net.vdpa.driver.vhost", "?").update(config);
    driver.start();
    try (ServerSocketChannel frontend = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      frontend.bind(UnixDomainSocketAddress.of(sock));
      frontend.configureBlocking(false);
      frontend.register(selector, SelectionKey.OP_ACCEPT);
      bindToVhost();
      await("client mode", () -> vhost.getService() != null
          && vhost.getService().socketMode() == net.vdpa.api.vhost.SocketMode.CLIENT);
      Bundle b = installed("net.vdpa.driver.vhost");
      Usage base = null;
      for (int i = 0; i < WARM_UP + 50; i++) {
        if (i == WARM_UP) {
          base = Usage.now();
        }
        // the backend connected, the frontend talks and hangs up, the backend retries: stopped in any of these
        beTheFrontend(frontend, selector, i);
        b.stop();
        await("vhost service gone", () -> vhost.getService() == null);
        b.start();
        VhostVdpa v = vhost.waitForService(WAIT.toMillis());
        assertNotNull("cycle " + i + ": no vhost service; vdpa0 is " + onTheBus("vdpa0"), v);
      }
      beTheFrontend(frontend, selector, -1);
      Usage end = Usage.now();
      String figures = end.against(base);
      System.out.println("VhostLifecycleIT: 50 stop/start cycles of the vhost driver in client mode: " + figures);
      assertTrue("descriptors leak: " + figures, end.fds - base.fds <= 3);
      assertTrue("threads leak: " + figures, end.threads - base.threads <= 3);
      assertTrue("heap grows: " + figures, end.heap - base.heap < 2_000_000);
    } finally {
      configAdmin.getConfiguration("net.vdpa.driver.vhost", "?").delete();
      Files.deleteIfExists(sock);
      Files.deleteIfExists(dir);
    }
  }

  /**
   * Accepts the backend's connections until one answers GET_FEATURES (connections the previous copy
   * of the driver made and closed when it stopped may wait in the backlog), then hangs up.
   */
  private static void beTheFrontend(ServerSocketChannel frontend, Selector selector, int cycle) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
      selector.selectedKeys().clear();
      SocketChannel ch = frontend.accept();
      if (ch == null) {
        continue;
      }
      try (ch) {
        ch.configureBlocking(true);
        ByteBuffer out = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(3).putInt(1).putInt(0); // SET_OWNER
        out.putInt(1).putInt(1).putInt(0); // GET_FEATURES
        out.flip();
        ByteBuffer in = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        try {
          while (out.hasRemaining()) {
            ch.write(out);
          }
          while (in.hasRemaining() && ch.read(in) >= 0) {
            // reads until the reply is whole or the backend has closed
          }
        } catch (java.io.IOException closedByAnEarlierCopy) {
          continue;
        }
        if (!in.hasRemaining() && in.getInt(0) == 1 && in.getLong(12) != 0) {
          return;
        }
      }
    }
    throw new AssertionError("cycle " + cycle + ": the backend did not connect and answer GET_FEATURES within " + WAIT);
  }

  @Test
  public void uninstallingAndInstallingTheDriver25TimesLeavesNothingBehind() throws Exception {
    bindToVhost();
    ServiceTracker<VhostVdpa, VhostVdpa> vhost = new ServiceTracker<>(context, VhostVdpa.class, null);
    vhost.open();
    String location = installed("net.vdpa.driver.vhost").getLocation();
    Usage base = null;
    List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
    for (int i = 0; i < WARM_UP + 25; i++) {
      if (i == WARM_UP) {
        base = Usage.now();
      }
      Bundle b = installed("net.vdpa.driver.vhost");
      loaders.add(new WeakReference<>(b.adapt(BundleWiring.class).getClassLoader()));
      b.uninstall();
      refresh(b);
      await("vhost service gone", () -> vhost.getService() == null);
      context.installBundle(location).start();
      talkToTheSocket(vhost, i);
    }
    Usage end = Usage.now();
    String figures = end.against(base);
    List<Integer> aliveAt = new ArrayList<>();
    for (int i = 0; i < loaders.size(); i++) {
      if (loaders.get(i).get() != null) {
        aliveAt.add(i);
      }
    }
    long alive = aliveAt.size();
    figures += ", class loaders of uninstalled copies still alive " + alive + " of " + loaders.size() + " " + aliveAt;
    System.out.println("VhostLifecycleIT: 25 uninstall/install cycles of the vhost driver: " + figures);
    // Equinox keeps the last few uninstalled copies reachable for a while (the last 9 of 35 here, about
    // what its log history of recent entries spans: entries hold their bundle); what must not happen
    // is copies piling up: every copy older than 10 cycles is gone
    assertTrue("class loaders leak: " + figures, aliveAt.stream().allMatch(i -> i >= loaders.size() - 10));
    assertTrue("descriptors leak: " + figures, end.fds - base.fds <= 3);
    assertTrue("threads leak: " + figures, end.threads - base.threads <= 3);
    assertTrue("heap grows: " + figures, end.heap - base.heap < 2_000_000);
  }

  /** Lets go of an uninstalled bundle's class loader, as {@code refresh} does in a shell. */
  private void refresh(Bundle uninstalled) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(uninstalled), e -> {
      if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
        done.countDown();
      }
    });
    assertTrue("refresh finished", done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }
}
