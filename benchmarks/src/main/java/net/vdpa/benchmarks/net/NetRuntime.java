package net.vdpa.benchmarks.net;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.benchmarks.BenchBundles;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real Felix framework inside the benchmark JVM running what a user runs for traffic: SCR,
 * ConfigAdmin, Event Admin and Log, then the ring, bus, {@code device.simnet} and
 * {@code driver.virtionet} bundles. The API packages come from the class path through the system
 * bundle's exports, so the benchmark and the bundles share {@link NetInterface} and
 * {@link VdpaMgmtDevice}. The driver's ring layout is set through ConfigAdmin before the driver
 * starts; one simulated NIC is created through {@code vdpasim_net} and its {@link NetInterface} is
 * waited for. Built and closed by one thread (the JMH trial set-up and tear-down).
 */
final class NetRuntime implements AutoCloseable {
  /** The name of the device the benchmark creates. */
  static final String DEVICE = "bench0";

  private static final String DRIVER_PID = "net.vdpa.driver.virtionet";
  private static final long WAIT_MS = 30_000;
  /** Started in this order: what the vDPA bundles need, then the bundles themselves. */
  private static final String[] BASE = {"org.osgi.util.function", "org.osgi.util.promise",
      "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin",
      "org.apache.felix.eventadmin", "org.apache.felix.log"};

  private final Path storage;
  private final Framework framework;
  private final BundleContext context;
  /** Trackers of the services used, closed before the framework stops. */
  private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
  private final NetInterface iface;
  private final VdpaDevice device;

  /**
   * Boots the framework, configures the driver and creates the device.
   *
   * @param ring {@code split} or {@code packed}
   * @param pairs queue pairs of the device (its max_vqp)
   * @param mtu the device's MTU
   * @throws Exception naming the step that failed
   */
  NetRuntime(String ring, int pairs, int mtu) throws Exception {
    String layout = switch (ring) {
      case "split" -> "SPLIT";
      case "packed" -> "PACKED";
      default -> throw new IllegalArgumentException("ring '" + ring + "' is neither split nor packed");
    };
    storage = Files.createTempDirectory("vdpa-bench-net");
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
      Path dir = BenchBundles.dir();
      List<Bundle> base = new ArrayList<>();
      for (String b : BASE) {
        base.add(install(dir, b));
      }
      for (Bundle b : base) {
        b.start();
      }
      configureDriver(layout);
      for (String b : new String[] {"ring", "bus", "device.core", "device.simnet", "driver.virtionet"}) {
        install(dir, b).start();
      }
      // the device must meet a driver that already has the ring layout asked for
      awaitService(VdpaDriver.class, "(&(" + Constants.OBJECTCLASS + "=" + VdpaDriver.class.getName()
          + ")(ring=" + layout + "))", "the virtio_net driver with ring=" + layout);
      VdpaMgmtDevice mgmt = awaitService(VdpaMgmtDevice.class, "(&(" + Constants.OBJECTCLASS + "="
          + VdpaMgmtDevice.class.getName() + ")(" + VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_net))",
          "the vdpasim_net management device");
      ServiceTracker<NetInterface, NetInterface> interfaces = new ServiceTracker<>(context, filter("(&("
          + Constants.OBJECTCLASS + "=" + NetInterface.class.getName() + ")(" + NetInterface.PROP_DEVICE + "="
          + DEVICE + "))"), null);
      trackers.add(interfaces);
      interfaces.open();
      device = mgmt.devAdd(new DevConfig(DEVICE, MacAddress.parse("02:00:00:be:0c:00"), mtu, pairs, null));
      iface = interfaces.waitForService(WAIT_MS);
      if (iface == null) {
        throw new IllegalStateException("no NetInterface appeared for device " + DEVICE + " within " + WAIT_MS
            + " ms: is the bus binding it to virtio_net?");
      }
      boolean packed = (device.driverFeatures() & VirtioNet.bit(VirtioNet.F_RING_PACKED)) != 0;
      if (packed != layout.equals("PACKED")) {
        throw new IllegalStateException("device " + DEVICE + " runs " + (packed ? "packed" : "split")
            + " rings but " + ring + " was configured (driver features 0x"
            + Long.toHexString(device.driverFeatures()) + ")");
      }
      if (iface.queuePairs() != pairs) {
        throw new IllegalStateException("interface " + iface.name() + " uses " + iface.queuePairs()
            + " queue pair(s), not the " + pairs + " asked for");
      }
    } catch (Exception | Error e) {
      stopQuietly();
      throw e;
    }
  }

  /** The interface on the benchmark's device. */
  NetInterface iface() {
    return iface;
  }

  /** The device under the interface. */
  VdpaDevice device() {
    return device;
  }

  /** Stops the framework (which deletes the device) and removes its storage. */
  @Override
  public void close() throws Exception {
    closeTrackers();
    framework.stop();
    framework.waitForStop(WAIT_MS);
    deleteStorage();
  }

  private void closeTrackers() {
    for (ServiceTracker<?, ?> t : trackers) {
      t.close();
    }
    trackers.clear();
  }

  private void stopQuietly() {
    try {
      closeTrackers();
      framework.stop();
      framework.waitForStop(WAIT_MS);
    } catch (Exception | Error suppressed) {
      // the first failure is the one to report
    }
    deleteStorage();
  }

  private void deleteStorage() {
    try (Stream<Path> files = Files.walk(storage)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a benchmark for
    }
  }

  private Bundle install(Path dir, String name) throws Exception {
    Path jar = dir.resolve(name + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("bundle " + jar + " is missing: run 'mvn -B package -pl benchmarks -am'");
    }
    return context.installBundle(jar.toUri().toString());
  }

  /**
   * Sets {@code ring} (and {@code queue_size} when {@code -Dvdpa.bench.queueSize} is given; the
   * driver's default is 256) on the driver's PID. ConfigAdmin's API classes live in its own bundle, not on
   * the benchmark's class path, so the two calls go through reflection.
   */
  private void configureDriver(String layout) throws Exception {
    Object cm = awaitService(Object.class, "(" + Constants.OBJECTCLASS + "=org.osgi.service.cm.ConfigurationAdmin)",
        "ConfigurationAdmin");
    Method get = cm.getClass().getMethod("getConfiguration", String.class, String.class);
    get.setAccessible(true);
    Object configuration = get.invoke(cm, DRIVER_PID, "?");
    Dictionary<String, Object> props = new Hashtable<>();
    props.put("ring", layout);
    String queueSize = System.getProperty("vdpa.bench.queueSize");
    if (queueSize != null) {
      try {
        props.put("queue_size", Integer.valueOf(queueSize.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("-Dvdpa.bench.queueSize=" + queueSize + " is not a number");
      }
    }
    Method update = configuration.getClass().getMethod("update", Dictionary.class);
    update.setAccessible(true);
    update.invoke(configuration, props);
  }

  /**
   * Waits for a service and keeps tracking it until {@link #close}: a service factory (such as
   * ConfigurationAdmin) disposes its instance once the tracker lets it go.
   */
  private <T> T awaitService(Class<T> type, String filter, String what) throws InterruptedException {
    ServiceTracker<Object, Object> t = new ServiceTracker<>(context, filter(filter), null);
    trackers.add(t);
    t.open(true);
    Object s = t.waitForService(WAIT_MS);
    if (s == null) {
      throw new IllegalStateException(what + " did not appear within " + WAIT_MS + " ms (filter " + filter
          + "; bundles: " + bundleStates() + ")");
    }
    return type.cast(s);
  }

  private Filter filter(String f) {
    try {
      return FrameworkUtil.createFilter(f);
    } catch (InvalidSyntaxException e) {
      throw new IllegalArgumentException("bad filter " + f, e);
    }
  }

  private String bundleStates() {
    StringBuilder s = new StringBuilder();
    for (Bundle b : context.getBundles()) {
      s.append(s.length() == 0 ? "" : ", ").append(b.getSymbolicName()).append('=').append(b.getState());
    }
    return s.toString();
  }

}
