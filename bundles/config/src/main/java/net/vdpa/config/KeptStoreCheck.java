package net.vdpa.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import net.vdpa.api.VdpaDeviceStore;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Checks the kept configuration when the bundle starts, before Declarative Services builds any
 * {@link KeptDevice} from it (SCR takes a bundle's components only once its activator returned).
 * Where ConfigAdmin keeps its store in files ({@code felix.cm.dir}, as the runtime jar does):
 *
 * <ul>
 *   <li>a file ConfigAdmin could not read (truncated, garbage) is renamed {@code FILE.bad} and
 *       reported in one log line naming it, instead of being skipped without a word;</li>
 *   <li>a kept device whose configuration does not describe a device (no name, a MAC that does not
 *       parse...) is copied to {@code FILE.bad}, reported, and deleted, instead of failing its
 *       component with a stack trace at every start;</li>
 *   <li>if the defaults marker was the unreadable file, a new marker is written: the defaults were
 *       seeded once, and a damaged marker must not bring back a device the user deleted.</li>
 * </ul>
 *
 * Without a file store (Karaf, tests) there is nothing of ours to move, and it does nothing.
 */
public final class KeptStoreCheck implements BundleActivator {
  /** Framework property of Felix ConfigAdmin naming its file store. */
  static final String CM_DIR = "felix.cm.dir";

  @Override
  public void start(BundleContext context) throws InvalidSyntaxException {
    String dir = context.getProperty(CM_DIR);
    ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
    if (dir == null || dir.isBlank() || ref == null) {
      return;
    }
    ConfigurationAdmin cm = context.getService(ref);
    ServiceReference<LoggerFactory> lr = context.getServiceReference(LoggerFactory.class);
    LoggerFactory lf = lr == null ? null : context.getService(lr);
    Logger logger = lf == null ? null : lf.getLogger(KeptStoreCheck.class);
    try {
      // without a Log Service there is no log to report to; the files are still set aside
      check(Path.of(dir), cm, logger == null ? m -> { } : logger::warn);
    } finally {
      context.ungetService(ref);
      if (lf != null) {
        context.ungetService(lr);
      }
    }
  }

  @Override
  public void stop(BundleContext context) {
    // nothing held
  }

  static void check(Path root, ConfigurationAdmin cm, Consumer<String> log) throws InvalidSyntaxException {
    Map<String, Path> files;
    Map<String, Configuration> known = new HashMap<>();
    try {
      files = StoreFiles.byPid(root);
      Configuration[] all = cm.listConfigurations(null);
      if (all != null) {
        for (Configuration c : all) {
          known.put(c.getPid(), c);
        }
      }
    } catch (IOException e) {
      log.accept("cannot check the kept configuration in " + root + ": " + e.getMessage());
      return;
    }
    Set<String> unreadable = new HashSet<>();
    for (Map.Entry<String, Path> f : files.entrySet()) {
      if (!known.containsKey(f.getKey())) {
        unreadable.add(f.getKey());
        aside(f.getValue(), "cannot be read", log, false);
      }
    }
    if (unreadable.contains(DefaultDevices.MARKER_PID)) {
      remark(cm, log);
    }
    for (Configuration c : known.values()) {
      if (!VdpaDeviceStore.FACTORY_PID.equals(c.getFactoryPid()) || c.getProperties() == null) {
        continue;
      }
      try {
        KeptConfig.from(toMap(c.getProperties()));
      } catch (IllegalArgumentException e) {
        Path file = files.get(c.getPid());
        if (file != null && aside(file, "does not describe a device (" + e.getMessage() + ")", log, true)) {
          delete(c, log);
        }
      }
    }
  }

  private static boolean aside(Path file, String why, Consumer<String> log, boolean copy) {
    try {
      Path to = copy ? StoreFiles.copyAside(file) : StoreFiles.moveAside(file);
      log.accept("kept configuration " + file + " " + why + "; moved aside to " + to.getFileName());
      return true;
    } catch (IOException e) {
      log.accept("kept configuration " + file + " " + why + " and cannot be moved aside: " + e.getMessage());
      return false;
    }
  }

  private static void remark(ConfigurationAdmin cm, Consumer<String> log) {
    try {
      Dictionary<String, Object> p = new Hashtable<>();
      p.put(DefaultDevices.SEEDED, "(the previous marker could not be read)");
      cm.getConfiguration(DefaultDevices.MARKER_PID, "?").update(p);
    } catch (IOException e) {
      log.accept("cannot write the defaults marker again: " + e.getMessage());
    }
  }

  private static void delete(Configuration c, Consumer<String> log) {
    try {
      c.delete();
    } catch (IOException e) {
      log.accept("cannot delete kept configuration " + c.getPid() + ": " + e.getMessage());
    }
  }

  private static Map<String, Object> toMap(Dictionary<String, Object> d) {
    Map<String, Object> m = new HashMap<>();
    for (var keys = d.keys(); keys.hasMoreElements(); ) {
      String k = keys.nextElement();
      m.put(k, d.get(k));
    }
    return m;
  }
}
