package net.vdpa.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * {@code java -jar vdpa-runtime.jar}: starts Felix with the bundles the jar carries and waits for
 * it to stop. It replaces bnd's exported-jar launcher, which installs embedded bundles at
 * locations that are not URLs ({@code jar/api.jar}: {@code update ID} fails) and installs them
 * again at every start even when a bundle of the same name was installed from the shell (the next
 * start fails). What to start still comes from {@code vdpa-runtime.bndrun}, through the
 * {@code launcher.properties} bnd exports; which copy of a bundle wins is {@link BundlePlan}'s rule.
 *
 * <p>The framework cache ({@code org.osgi.framework.storage}, {@code vdpa-cache}) is always kept
 * between runs: it is what makes a bundle installed from the shell survive a restart. The bndrun's
 * other launcher settings ({@code launch.*}) are bnd's launcher's and are not used.
 *
 * <p>With {@code -Dvdpa.script=FILE} the interactive console is not started (see
 * {@link #CONSOLES}); the console bundle runs the script and sets the exit status.
 *
 * <p>Exit status: 0 when the framework stops (the shell's {@code exit}, {@code stop 0}), 1 when it
 * cannot start. A framework update ({@code update 0}) restarts it in the same process.
 */
public final class Main {
  private static final String LAUNCHER_PROPERTIES = "launcher.properties";
  /** Framework property naming a script to run instead of the interactive shell (the console bundle runs it). */
  private static final String SCRIPT = "vdpa.script";
  /**
   * The bundles that open an interactive console. Gogo's jline shell opens a terminal on standard
   * input as soon as it starts, whatever {@code gosh.args} says, so a script run leaves it
   * installed but not started: no banner, no second reader of standard input, nothing to stop.
   */
  static final Set<String> CONSOLES = Set.of("org.apache.felix.gogo.jline", "org.apache.felix.gogo.shell");
  /** The framework cache. */
  private static final String STORAGE = "org.osgi.framework.storage";
  /** Felix ConfigAdmin's file store. */
  private static final String CM_DIR = "felix.cm.dir";
  /**
   * The web server (the Web Console's). A script run ends when its commands do: a web server would
   * only hold a port, and collide with the runtime a user has open, so a script run leaves it
   * installed but not started unless {@code -Dorg.apache.felix.http.enable=true} asks for it.
   */
  static final String HTTP = "org.apache.felix.http.jetty";
  /** Felix HTTP's switch for its plain HTTP connector; set to true, a script run starts the web server. */
  private static final String HTTP_ENABLE = "org.apache.felix.http.enable";

  private final PrintStream err;

  private Main(PrintStream err) {
    this.err = err;
  }

  /** Starts the runtime; returns when the framework has stopped. */
  public static void main(String[] args) {
    System.exit(new Main(System.err).run());
  }

  private int run() {
    ClassLoader loader = Main.class.getClassLoader();
    LaunchConfig config;
    try {
      config = LaunchConfig.from(load(loader), path -> symbolicName(loader, path), System.getProperties());
    } catch (IOException | RuntimeException e) {
      err.println("vdpa-runtime: cannot read " + LAUNCHER_PROPERTIES + " from the runtime jar: " + e.getMessage());
      return 1;
    }
    Iterator<FrameworkFactory> factories = ServiceLoader.load(FrameworkFactory.class, loader).iterator();
    if (!factories.hasNext()) {
      err.println("vdpa-runtime: no OSGi framework in the runtime jar");
      return 1;
    }
    FrameworkFactory factory = factories.next();
    try {
      while (true) {
        Map<String, String> properties = frameworkProperties(config, factory);
        FrameworkLog frameworkLog = felix(factory) ? new FrameworkLog(err) : null;
        Framework fw = factory.newFramework(frameworkLog == null ? properties : withLogger(properties, frameworkLog));
        fw.init();
        if (properties.containsKey(CM_DIR) && properties.containsKey(STORAGE)) {
          OldConfigStore.migrate(fw.getBundleContext(), Path.of(properties.get(STORAGE)), Path.of(properties.get(CM_DIR)), err);
        }
        fw.adapt(FrameworkStartLevel.class).setInitialBundleStartLevel(config.defaultStartLevel());
        new EmbeddedBundles(fw.getBundleContext(), loader, err).sync(config.bundles(), idle(config));
        Thread hook = new Thread(() -> stopQuietly(fw), "vdpa-runtime-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        fw.start();
        if (frameworkLog != null) {
          frameworkLog.attach(fw.getBundleContext());
        }
        FrameworkEvent stopped = fw.waitForStop(0);
        if (frameworkLog != null) {
          frameworkLog.detach();
        }
        removeHook(hook);
        switch (stopped.getType()) {
          case FrameworkEvent.STOPPED_UPDATE, FrameworkEvent.STOPPED_SYSTEM_REFRESHED -> {
            continue; // update 0 from the shell: start again
          }
          case FrameworkEvent.ERROR -> {
            err.println("vdpa-runtime: the framework stopped with an error: " + message(stopped.getThrowable()));
            return 1;
          }
          default -> {
            return 0;
          }
        }
      }
    } catch (BundleException | IOException | RuntimeException e) {
      err.println("vdpa-runtime: cannot start the framework: " + message(e));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static boolean felix(FrameworkFactory factory) {
    return factory.getClass().getName().startsWith("org.apache.felix.");
  }

  /** Felix takes its logger as an object among the (otherwise textual) framework properties. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, String> withLogger(Map<String, String> properties, FrameworkLog log) {
    Map<String, Object> p = new HashMap<>(properties);
    p.put(FrameworkLog.PROPERTY, FelixLogger.of(log));
    return (Map) p;
  }

  /**
   * The framework's properties from launcher.properties and -D, with ConfigAdmin's store made
   * absolute: Felix ConfigAdmin takes a relative {@code felix.cm.dir} inside its bundle's data area,
   * that is inside the framework cache, where deleting the cache would take every kept device with
   * it; relative to the working directory, as the cache itself is, it sits beside the cache. Felix
   * and Equinox keep their storage in different formats, so the Equinox runtime keeps its own
   * ({@code vdpa-cache-equinox}) unless {@code -Dorg.osgi.framework.storage} names one; what the
   * user keeps ({@code vdpa-state}) is shared, so devices created under one framework are there
   * under the other. Bundles see {@code -D} settings under both.
   */
  private static Map<String, String> frameworkProperties(LaunchConfig config, FrameworkFactory factory) {
    Map<String, String> p = new HashMap<>(config.frameworkProperties());
    p.computeIfPresent(CM_DIR, (k, v) -> Path.of(v).toAbsolutePath().toString());
    if (factory.getClass().getName().startsWith("org.eclipse.osgi.")) {
      if (System.getProperty(STORAGE) == null) {
        p.computeIfPresent(STORAGE, (k, v) -> v + "-equinox");
      }
      // bundles read -D settings (vdpa.script, vdpa.log.level, ...) through BundleContext.getProperty,
      // which Felix answers from the system properties after its own; Equinox answers only its own
      System.getProperties().forEach((k, v) -> p.putIfAbsent(k.toString(), v.toString()));
    }
    return p;
  }

  /** The bundles this run installs but does not start: in a script run, the consoles and the web server. */
  private static Set<String> idle(LaunchConfig config) {
    if (!scriptMode(config)) {
      return Set.of();
    }
    if (Boolean.parseBoolean(System.getProperty(HTTP_ENABLE, config.frameworkProperties().get(HTTP_ENABLE)))) {
      return CONSOLES;
    }
    Set<String> idle = new java.util.HashSet<>(CONSOLES);
    idle.add(HTTP);
    return Set.copyOf(idle);
  }

  private static boolean scriptMode(LaunchConfig config) {
    String script = System.getProperty(SCRIPT, config.frameworkProperties().get(SCRIPT));
    return script != null && !script.isBlank();
  }

  private static Properties load(ClassLoader loader) throws IOException {
    Properties p = new Properties();
    try (InputStream in = loader.getResourceAsStream(LAUNCHER_PROPERTIES)) {
      if (in == null) {
        throw new IOException("it is missing");
      }
      p.load(in);
    }
    return p;
  }

  private static String symbolicName(ClassLoader loader, String path) {
    try (InputStream in = loader.getResourceAsStream(path)) {
      return in == null ? null : EmbeddedBundles.symbolicName(in.readAllBytes());
    } catch (IOException e) {
      return null;
    }
  }

  /** Stops the framework when the JVM is asked to end (Ctrl-C, SIGTERM), so that state is written. */
  private static void stopQuietly(Framework fw) {
    try {
      fw.stop();
      fw.waitForStop(10_000);
    } catch (BundleException | RuntimeException e) {
      // the JVM is ending anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs, and stopping a stopped framework does nothing
    }
  }

  private static String message(Throwable t) {
    if (t == null) {
      return "no reason given";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
