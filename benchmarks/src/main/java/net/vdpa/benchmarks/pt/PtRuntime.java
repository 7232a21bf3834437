package net.vdpa.benchmarks.pt;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PollModeDriver;
import net.vdpa.api.vhost.VhostVdpa;
import net.vdpa.benchmarks.BenchBundles;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real Felix framework inside the benchmark JVM with one of the user-space paths: SCR,
 * ConfigAdmin, Event Admin and Log, the ring, bus and {@code device.simnet} bundles, then either
 * {@code driver.passthrough} and {@code pmd.virtio} ({@link Path#PASSTHROUGH}: the device is bound
 * to {@code vfio_vdpa} and opened by the poll-mode driver) or JNA, {@code unix} and {@code
 * driver.vhost} ({@link Path#VHOST}: the device is bound to {@code vhost_vdpa} and opened through
 * the in-process vhost API). No virtio_net: the device waits unbound until the bus binds it. The
 * API comes from the class path through the system bundle's exports. Built and closed by one
 * thread.
 */
final class PtRuntime implements AutoCloseable {
  /** The name of the device the benchmark creates. */
  static final String DEVICE = "ptbench0";

  private static final long WAIT_MS = 30_000;
  private static final String[] BASE = {"org.osgi.util.function", "org.osgi.util.promise",
      "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin",
      "org.apache.felix.eventadmin", "org.apache.felix.log"};

  private final java.nio.file.Path storage;
  private final Framework framework;
  private final BundleContext context;
  private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
  private final PmdPort port;
  private final VhostVdpa vhost;

  /** Which user-space path the runtime carries. */
  enum Path {
    /** vfio_vdpa and the poll-mode driver. */
    PASSTHROUGH,
    /** vhost_vdpa's in-process API. */
    VHOST
  }

  PtRuntime(Path path) throws Exception {
    storage = Files.createTempDirectory("vdpa-bench-pt");
    Map<String, String> config = new HashMap<>();
    config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
    config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
    config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, BenchBundles.apiExports());
    config.put("org.apache.felix.eventadmin.LogLevel", "1");
    config.put("ds.loglevel", "error");
    framework = new FrameworkFactory().newFramework(config);
    framework.start();
    context = framework.getBundleContext();
    try {
      java.nio.file.Path dir = BenchBundles.dir();
      List<Bundle> bundles = new ArrayList<>();
      for (String b : BASE) {
        bundles.add(install(dir, b));
      }
      String[] own = path == Path.PASSTHROUGH
          ? new String[] {"ring", "bus", "device.core", "device.simnet", "driver.passthrough", "pmd.virtio"}
          : new String[] {"jna", "ring", "unix", "bus", "device.core", "device.simnet", "driver.vhost"};
      for (String b : own) {
        bundles.add(install(dir, b));
      }
      for (Bundle b : bundles) {
        b.start();
      }
      VdpaMgmtDevice mgmt = await(VdpaMgmtDevice.class, "(" + VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_net)");
      VdpaBus bus = await(VdpaBus.class, null);
      String driver = path == Path.PASSTHROUGH ? "vfio_vdpa" : "vhost_vdpa";
      await(net.vdpa.api.VdpaDriver.class, "(component.name=" + (path == Path.PASSTHROUGH
          ? "net.vdpa.driver.passthrough.VfioVdpaDriver" : "net.vdpa.driver.vhost.VhostVdpaDriver") + ")");
      mgmt.devAdd(new DevConfig(DEVICE, MacAddress.parse("02:00:00:be:0c:70"), null, null, null));
      bus.bind(DEVICE, driver);
      if (path == Path.PASSTHROUGH) {
        port = await(PollModeDriver.class, null).start(DEVICE, "benchmark");
        vhost = null;
      } else {
        port = null;
        vhost = await(VhostVdpa.class, "(" + VhostVdpa.PROP_DEVICE + "=" + DEVICE + ")");
      }
    } catch (Exception | Error e) {
      stopQuietly();
      throw e;
    }
  }

  PmdPort port() {
    return port;
  }

  VhostVdpa vhost() {
    return vhost;
  }

  @Override
  public void close() throws Exception {
    if (port != null) {
      port.close();
    }
    for (ServiceTracker<?, ?> t : trackers) {
      t.close();
    }
    framework.stop();
    framework.waitForStop(WAIT_MS);
    deleteStorage();
  }

  private void stopQuietly() {
    try {
      for (ServiceTracker<?, ?> t : trackers) {
        t.close();
      }
      framework.stop();
      framework.waitForStop(WAIT_MS);
    } catch (Exception | Error suppressed) {
      // the first failure is the one to report
    }
    deleteStorage();
  }

  private void deleteStorage() {
    try (Stream<java.nio.file.Path> files = Files.walk(storage)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a benchmark for
    }
  }

  private Bundle install(java.nio.file.Path dir, String name) throws Exception {
    java.nio.file.Path jar = dir.resolve(name + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("bundle " + jar + " is missing: run 'mvn -B package -pl benchmarks -am'");
    }
    return context.installBundle(jar.toUri().toString());
  }

  private <T> T await(Class<T> type, String extra) throws Exception {
    String f = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
    if (extra != null) {
      f = "(&" + f + extra + ")";
    }
    ServiceTracker<Object, Object> t = new ServiceTracker<>(context, FrameworkUtil.createFilter(f), null);
    trackers.add(t);
    t.open(true);
    Object s = t.waitForService(WAIT_MS);
    if (s == null) {
      throw new IllegalStateException(type.getSimpleName() + " did not appear within " + WAIT_MS + " ms (filter " + f + ")");
    }
    return type.cast(s);
  }
}
