package net.vdpa.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Runtimes before {@code vdpa-state} kept their devices in ConfigAdmin's default store, inside the
 * framework cache ({@code vdpa-cache/bundleN/data/config}, N being ConfigAdmin's bundle id). The
 * first start with a state directory copies that store there, so that an upgrade does not lose the
 * devices a user kept (and does not seed the defaults again).
 */
final class OldConfigStore {
  private static final String CONFIGADMIN = "org.apache.felix.configadmin";

  private OldConfigStore() {}

  /**
   * Copies the old store to {@code target} if {@code target} does not exist yet and an old store
   * does; one line on {@code err} says so.
   *
   * @param system the framework's context, after {@code init()} (bundles from the cache installed)
   * @param storage the framework cache directory
   * @param target ConfigAdmin's file store ({@code felix.cm.dir})
   */
  static void migrate(BundleContext system, Path storage, Path target, PrintStream err) {
    if (Files.exists(target)) {
      return;
    }
    for (Bundle b : system.getBundles()) {
      if (!CONFIGADMIN.equals(b.getSymbolicName())) {
        continue;
      }
      Path old = storage.resolve("bundle" + b.getBundleId()).resolve("data").resolve("config");
      if (!Files.isDirectory(old)) {
        continue;
      }
      try {
        copyTree(old, target);
        err.println("vdpa-runtime: the kept configuration in " + old + " now lives in " + target);
      } catch (IOException e) {
        err.println("vdpa-runtime: cannot copy the kept configuration from " + old + " to " + target + ": " + e.getMessage());
      }
      return;
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(from)) {
      all = s.toList();
    }
    for (Path p : all) {
      Path t = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(t);
      } else {
        Files.copy(p, t);
      }
    }
  }
}
