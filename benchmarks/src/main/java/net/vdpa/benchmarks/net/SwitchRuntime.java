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
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.devlink.Devlink;
import net.vdpa.api.net.NetInterface;
import net.vdpa.benchmarks.BenchBundles;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real Felix framework with both NIC kinds side by side, for {@link SmartNicBenchmark}: a
 * simulated NIC {@code bench0} in loopback (the baseline) and a SmartNIC adapter
 * ({@code pci/0000:03:00.0}, two VFs) with devices {@code vf0} and {@code vf1} on its VFs, every
 * device bound to virtio_net. The API (devlink included) comes from the class path through the
 * system bundle, as {@link NetRuntime} does. Built and closed by one thread.
 */
final class SwitchRuntime implements AutoCloseable {
  private static final long WAIT_MS = 30_000;
  private static final String[] BASE = {"org.osgi.util.function", "org.osgi.util.promise",
      "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin",
      "org.apache.felix.eventadmin", "org.apache.felix.log"};
  private static final String DEV = "pci/0000:03:00.0";

  private final Path storage;
  private final Framework framework;
  private final BundleContext context;
  private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
  private final Map<String, NetInterface> interfaces = new HashMap<>();

  SwitchRuntime() throws Exception {
    storage = Files.createTempDirectory("vdpa-bench-smartnic");
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
      adapterConfiguration();
      for (String b : new String[] {"ring", "bus", "device.core", "device.simnet", "device.smartnic", "driver.virtionet"}) {
        install(dir, b).start();
      }
      await(VdpaDriver.class, "(objectClass=" + VdpaDriver.class.getName() + ")", "the virtio_net driver");
      Devlink devlink = await(Devlink.class, "(objectClass=" + Devlink.class.getName() + ")", "devlink");
      // configured before the bundle started: the adapter exists once its component is active
      if (!devlink.owns(DEV)) {
        throw new IllegalStateException("adapter " + DEV + " did not come up with the SmartNIC bundle");
      }
      devlink.setNumVfs(DEV, 2);
      add("vdpasim_net", new DevConfig("bench0", MacAddress.parse("02:00:00:be:0c:00"), 1500, 1, null));
      add("pci/0000:03:00.2", new DevConfig("vf0", MacAddress.parse("02:00:00:be:0c:10"), 1500, 1, null));
      add("pci/0000:03:00.3", new DevConfig("vf1", MacAddress.parse("02:00:00:be:0c:11"), 1500, 1, null));
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** The interface on a device ({@code bench0}, {@code vf0}, {@code vf1}). */
  NetInterface iface(String device) {
    return interfaces.get(device);
  }

  private void add(String mgmtdev, DevConfig dev) throws Exception {
    VdpaMgmtDevice m = await(VdpaMgmtDevice.class, "(&(objectClass=" + VdpaMgmtDevice.class.getName() + ")("
        + VdpaMgmtDevice.PROP_HANDLE + "=" + mgmtdev + "))", "management device " + mgmtdev);
    ServiceTracker<NetInterface, NetInterface> t = new ServiceTracker<>(context, FrameworkUtil.createFilter("(&("
        + Constants.OBJECTCLASS + "=" + NetInterface.class.getName() + ")(" + NetInterface.PROP_DEVICE + "="
        + dev.name() + "))"), null);
    trackers.add(t);
    t.open();
    m.devAdd(dev);
    NetInterface i = t.waitForService(WAIT_MS);
    if (i == null) {
      throw new IllegalStateException("no NetInterface appeared for " + dev.name());
    }
    interfaces.put(dev.name(), i);
  }

  /** One adapter, written before the SmartNIC bundle starts (ConfigAdmin through reflection, as NetRuntime). */
  private void adapterConfiguration() throws Exception {
    Object cm = await(Object.class, "(objectClass=org.osgi.service.cm.ConfigurationAdmin)", "ConfigurationAdmin");
    Method get = cm.getClass().getMethod("getFactoryConfiguration", String.class, String.class, String.class);
    get.setAccessible(true);
    Object c = get.invoke(cm, "net.vdpa.smartnic.adapter", "bench", "?");
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("pci", "0000:03:00.0");
    Method update = c.getClass().getMethod("update", Dictionary.class);
    update.setAccessible(true);
    update.invoke(c, p);
  }

  private <T> T await(Class<T> type, String filter, String what) throws Exception {
    ServiceTracker<Object, Object> t = new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), null);
    trackers.add(t);
    t.open(true);
    Object s = t.waitForService(WAIT_MS);
    if (s == null) {
      throw new IllegalStateException(what + " did not appear within " + WAIT_MS + " ms");
    }
    return type.cast(s);
  }

  private Bundle install(Path dir, String name) throws Exception {
    Path jar = dir.resolve(name + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("bundle " + jar + " is missing: run 'mvn -B package -pl benchmarks -am'");
    }
    return context.installBundle(jar.toUri().toString());
  }

  @Override
  public void close() throws Exception {
    for (ServiceTracker<?, ?> t : trackers) {
      t.close();
    }
    framework.stop();
    framework.waitForStop(WAIT_MS);
    try (Stream<Path> files = Files.walk(storage)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a benchmark for
    }
  }
}
