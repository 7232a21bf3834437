package net.vdpa.benchmarks;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
 * A real Felix framework inside a benchmark JVM with what the vDPA bundles need running (SCR,
 * ConfigAdmin, Event Admin, Log), into which a benchmark installs the project's bundles as a user
 * would. The API packages (and the Log Service API) come from the class path through the system
 * bundle's exports, so the benchmark holds the same {@code VdpaMgmtDevice}, {@code NetInterface},
 * ... types as the bundles. Built and closed by one thread (a trial's set-up and tear-down).
 */
public final class BenchFramework implements AutoCloseable {
  /** How long a service or a stop is waited for. */
  public static final long WAIT_MS = 30_000;
  /** Started first, in this order: what the vDPA bundles need. */
  private static final String[] BASE = {"org.osgi.util.function", "org.osgi.util.promise",
      "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin",
      "org.apache.felix.eventadmin", "org.apache.felix.log"};

  private final Path storage;
  private final Framework framework;
  private final BundleContext context;
  /** Trackers of the services used, closed before the framework stops. */
  private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

  /**
   * Boots the framework and starts the base bundles.
   *
   * @param name a word for the storage directory's name
   * @throws Exception naming the step that failed
   */
  public BenchFramework(String name) throws Exception {
    storage = Files.createTempDirectory("vdpa-bench-" + name);
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
      List<Bundle> base = new ArrayList<>();
      for (String b : BASE) {
        base.add(install(b));
      }
      for (Bundle b : base) {
        b.start();
      }
    } catch (Exception | Error e) {
      closeQuietly();
      throw e;
    }
  }

  /**
   * Installs and starts bundles from {@link BenchBundles#dir()}, in order.
   *
   * @param names the jars' names without {@code .jar} ({@code ring}, {@code device.simnet}, ...)
   * @throws Exception if one is missing or does not start
   */
  public void start(String... names) throws Exception {
    for (String n : names) {
      install(n).start();
    }
  }

  /**
   * Sets a component's configuration through ConfigAdmin (whose API lives in its own bundle, not on
   * the benchmark's class path, so the two calls go through reflection).
   *
   * @param pid the configuration PID
   * @param props its properties
   * @throws Exception if ConfigAdmin does not appear or refuses
   */
  public void configure(String pid, Dictionary<String, Object> props) throws Exception {
    update(configurationAdmin("getConfiguration", new Class<?>[] {String.class, String.class}, pid, "?"), props);
  }

  /**
   * Creates or updates a factory configuration ({@code getFactoryConfiguration(factoryPid, name)}).
   *
   * @param factoryPid the factory PID
   * @param name the configuration's name within the factory
   * @param props its properties
   * @throws Exception if ConfigAdmin does not appear or refuses
   */
  public void configureFactory(String factoryPid, String name, Dictionary<String, Object> props) throws Exception {
    update(configurationAdmin("getFactoryConfiguration", new Class<?>[] {String.class, String.class, String.class},
        factoryPid, name, "?"), props);
  }

  private Object configurationAdmin(String method, Class<?>[] types, Object... args) throws Exception {
    Object cm = awaitService(Object.class, "(" + Constants.OBJECTCLASS + "=org.osgi.service.cm.ConfigurationAdmin)",
        "ConfigurationAdmin");
    Method get = cm.getClass().getMethod(method, types);
    get.setAccessible(true);
    return get.invoke(cm, args);
  }

  private static void update(Object configuration, Dictionary<String, Object> props) throws Exception {
    Method update = configuration.getClass().getMethod("update", Dictionary.class);
    update.setAccessible(true);
    update.invoke(configuration, props);
  }

  /**
   * Waits for a service and keeps tracking it until {@link #close}: a service factory (such as
   * ConfigurationAdmin) disposes its instance once the tracker lets it go.
   *
   * @param <T> the type the service is used as
   * @param type that type
   * @param filter an LDAP filter with the object class
   * @param what what the service is, for the error
   * @return the service
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalStateException naming the service and the bundles' states after {@link #WAIT_MS}
   */
  public <T> T awaitService(Class<T> type, String filter, String what) throws InterruptedException {
    ServiceTracker<Object, Object> t = track(filter);
    Object s = t.waitForService(WAIT_MS);
    if (s == null) {
      throw new IllegalStateException(what + " did not appear within " + WAIT_MS + " ms (filter " + filter
          + "; bundles: " + bundleStates() + ")");
    }
    return type.cast(s);
  }

  /**
   * An open tracker, closed with the framework.
   *
   * @param filter an LDAP filter with the object class
   * @return the tracker
   */
  public ServiceTracker<Object, Object> track(String filter) {
    ServiceTracker<Object, Object> t = new ServiceTracker<>(context, filter(filter), null);
    trackers.add(t);
    t.open(true);
    return t;
  }

  /** Stops the framework (which deletes every device) and removes its storage. */
  @Override
  public void close() throws Exception {
    closeTrackers();
    framework.stop();
    framework.waitForStop(WAIT_MS);
    deleteStorage();
  }

  /** Like {@link #close} after a failure: the first failure is the one to report. */
  public void closeQuietly() {
    try {
      close();
    } catch (Exception | Error suppressed) {
      deleteStorage();
    }
  }

  private void closeTrackers() {
    for (ServiceTracker<?, ?> t : trackers) {
      t.close();
    }
    trackers.clear();
  }

  private void deleteStorage() {
    try (Stream<Path> files = Files.walk(storage)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a benchmark for
    }
  }

  private Bundle install(String name) throws Exception {
    Path jar = BenchBundles.dir().resolve(name + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("bundle " + jar + " is missing: run 'mvn -B package -pl benchmarks -am'");
    }
    return context.installBundle(jar.toUri().toString());
  }

  private static Filter filter(String f) {
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
