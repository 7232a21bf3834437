package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.Test;

/**
 * The module dependency rule, read from the manifests bnd wrote into the built bundles (what a
 * framework wires, not what the sources say): devices import only {@code api}, {@code ring} and
 * {@code device.core}; drivers only {@code api}, {@code ring} and the platform library
 * {@code unix}; nobody imports {@code bus}; only {@code api}, {@code ring}, {@code device.core} and
 * {@code unix} export packages.
 *
 * <p>{@code unix} is a library, not a device or driver: it holds the JNA binding of the Linux calls
 * vhost-user needs, in a bundle that is not reinstalled with the drivers (JNA keeps every class it
 * registered reachable for the life of the JVM, so a driver that embedded it would leave its class
 * loader behind at every reinstall).
 */
public class DependencyRuleIT {
  private static final Set<String> DEVICE_MAY_IMPORT = Set.of("api", "ring", "device.core");
  private static final Set<String> DRIVER_MAY_IMPORT = Set.of("api", "ring", "unix");
  private static final Set<String> EXPORTERS = Set.of("api", "ring", "device.core", "unix");

  @Test
  public void devicesAndDriversImportOnlyWhatTheRuleAllows() throws IOException {
    List<String> broken = new ArrayList<>();
    TreeMap<String, Set<String>> imports = new TreeMap<>();
    List<Path> jars = bundleJars();
    Set<String> modules = modules(jars);
    for (Path jar : jars) {
      String module = module(jar);
      Set<String> used = projectModules(jar, "Import-Package", modules);
      used.remove(module);
      imports.put(module, used);
      Set<String> allowed = module.startsWith("device.") && !module.equals("device.core") ? DEVICE_MAY_IMPORT
          : module.startsWith("driver.") || module.startsWith("pmd.") ? DRIVER_MAY_IMPORT
          : null;
      for (String other : used) {
        if (other.equals("bus") || allowed != null && !allowed.contains(other)) {
          broken.add(module + " imports " + other);
        }
      }
    }
    assertTrue("the bundles were not found: " + imports, imports.keySet().containsAll(
        Set.of("device.simnet", "device.simblk", "device.smartnic", "driver.virtionet", "driver.vhost", "bus")));
    assertEquals("dependency rule broken; imports per module: " + imports, List.of(), broken);
  }

  @Test
  public void onlyTheLibrariesExportPackages() throws IOException {
    TreeMap<String, Set<String>> exporters = new TreeMap<>();
    List<Path> jars = bundleJars();
    Set<String> modules = modules(jars);
    for (Path jar : jars) {
      Set<String> exported = projectModules(jar, "Export-Package", modules);
      if (!exported.isEmpty()) {
        exporters.put(module(jar), exported);
      }
    }
    assertEquals("bundles exporting packages: " + exporters, new TreeSet<>(EXPORTERS), exporters.keySet());
  }

  /** Every production bundle's jar: {@code bundles/<module>/target/<module>-<version>.jar}. */
  private static List<Path> bundleJars() throws IOException {
    Path api = Path.of(System.getProperty("vdpa.bundle.api", "../bundles/api/target/api-0.1.0-SNAPSHOT.jar"));
    assertTrue("the api bundle is not built: " + api, Files.isRegularFile(api));
    String version = api.getFileName().toString().substring("api-".length());
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> modules = Files.newDirectoryStream(api.toAbsolutePath().getParent().getParent().getParent())) {
      for (Path module : modules) {
        Path jar = module.resolve("target").resolve(module.getFileName() + "-" + version);
        if (Files.isRegularFile(module.resolve("bnd.bnd"))) {
          assertTrue(module + " has a bnd.bnd but no built bundle " + jar, Files.isRegularFile(jar));
          jars.add(jar);
        }
      }
    }
    return jars;
  }

  private static Set<String> modules(List<Path> jars) {
    Set<String> modules = new TreeSet<>();
    jars.forEach(jar -> modules.add(module(jar)));
    return modules;
  }

  /** {@code driver.vhost} from {@code .../driver.vhost-0.1.0-SNAPSHOT.jar}. */
  private static String module(Path jar) {
    String name = jar.getFileName().toString();
    return name.substring(0, name.lastIndexOf('-', name.lastIndexOf('-') - 1));
  }

  /** The project modules whose packages a manifest header names ({@code net.vdpa.api.net} → {@code api}). */
  private static Set<String> projectModules(Path jar, String header, Set<String> modules) throws IOException {
    Set<String> found = new TreeSet<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      String value = file.getManifest().getMainAttributes().getValue(new Attributes.Name(header));
      if (value == null) {
        return found;
      }
      for (String clause : value.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
        String pkg = clause.split(";", 2)[0].trim();
        if (pkg.startsWith("net.vdpa.")) {
          found.add(owner(pkg.substring("net.vdpa.".length()), modules));
        }
      }
    }
    return found;
  }

  /** The module a package belongs to: the longest module name that prefixes it. */
  private static String owner(String pkg, Set<String> modules) {
    return modules.stream()
        .filter(m -> pkg.equals(m) || pkg.startsWith(m + "."))
        .max((a, b) -> Integer.compare(a.length(), b.length()))
        .orElse(pkg);
  }
}
