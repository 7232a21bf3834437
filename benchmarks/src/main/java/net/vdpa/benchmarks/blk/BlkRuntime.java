package net.vdpa.benchmarks.blk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.benchmarks.BenchBundles;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real Felix framework inside the benchmark JVM with the block path a user runs: SCR,
 * ConfigAdmin, Event Admin and Log, then the ring, bus, {@code device.simblk} and {@code
 * driver.virtioblk} bundles; one block device backed by a file is created through {@code
 * vdpasim_blk} and its {@link BlockDevice} waited for. The API comes from the class path through
 * the system bundle's exports, so the benchmark and the bundles share {@link BlockDevice}. Built
 * and closed by one thread (the JMH trial set-up and tear-down).
 */
final class BlkRuntime implements AutoCloseable {
  /** The name of the device the benchmark creates. */
  static final String DEVICE = "benchblk0";

  private static final long WAIT_MS = 30_000;
  private static final String[] BASE = {"org.osgi.util.function", "org.osgi.util.promise",
      "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin",
      "org.apache.felix.eventadmin", "org.apache.felix.log"};

  private final Path storage;
  private final Framework framework;
  private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
  private final BlockDevice disk;

  /**
   * Boots the framework and creates the device on {@code file}.
   *
   * @param file the backing file (created sparse if absent)
   * @param capacity its size in bytes
   * @throws Exception naming the step that failed
   */
  BlkRuntime(Path file, long capacity) throws Exception {
    storage = Files.createTempDirectory("vdpa-bench-blk");
    Map<String, String> config = new HashMap<>();
    config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
    config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
    config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, BenchBundles.apiExports());
    config.put("org.apache.felix.eventadmin.LogLevel", "1");
    config.put("ds.loglevel", "error");
    framework = new FrameworkFactory().newFramework(config);
    framework.start();
    BundleContext context = framework.getBundleContext();
    try {
      Path dir = BenchBundles.dir();
      List<Bundle> bundles = new ArrayList<>();
      for (String b : BASE) {
        bundles.add(install(context, dir, b));
      }
      for (String b : new String[] {"ring", "bus", "device.core", "device.simblk", "driver.virtioblk"}) {
        bundles.add(install(context, dir, b));
      }
      for (Bundle b : bundles) {
        b.start();
      }
      VdpaMgmtDevice mgmt = await(context, VdpaMgmtDevice.class, "(" + VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_blk)");
      ServiceTracker<Object, Object> disks = track(context, BlockDevice.class, "(" + BlockDevice.PROP_DEVICE + "="
          + DEVICE + ")");
      mgmt.devAdd(new DevConfig(DEVICE, null, null, null, null, capacity, file.toString(), null));
      Object d = disks.waitForService(WAIT_MS);
      if (d == null) {
        throw new IllegalStateException("no BlockDevice appeared for " + DEVICE + " within " + WAIT_MS + " ms");
      }
      disk = (BlockDevice) d;
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** The block device. */
  BlockDevice disk() {
    return disk;
  }

  private static Bundle install(BundleContext context, Path dir, String name) throws Exception {
    Path jar = dir.resolve(name + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("bundle " + jar + " is missing: run 'mvn -B package -pl benchmarks -am'");
    }
    return context.installBundle(jar.toUri().toString());
  }

  private ServiceTracker<Object, Object> track(BundleContext context, Class<?> type, String filter) throws Exception {
    ServiceTracker<Object, Object> t = new ServiceTracker<>(context, FrameworkUtil.createFilter("(&("
        + Constants.OBJECTCLASS + "=" + type.getName() + ")" + filter + ")"), null);
    trackers.add(t);
    t.open(true);
    return t;
  }

  private <T> T await(BundleContext context, Class<T> type, String filter) throws Exception {
    Object s = track(context, type, filter).waitForService(WAIT_MS);
    if (s == null) {
      throw new IllegalStateException(type.getSimpleName() + " " + filter + " did not appear within " + WAIT_MS + " ms");
    }
    return type.cast(s);
  }

  /** Stops the framework (which deletes the device; the file stays) and removes its storage. */
  @Override
  public void close() throws Exception {
    for (ServiceTracker<?, ?> t : trackers) {
      t.close();
    }
    trackers.clear();
    framework.stop();
    framework.waitForStop(WAIT_MS);
    try (Stream<Path> files = Files.walk(storage)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a benchmark for
    }
  }
}
