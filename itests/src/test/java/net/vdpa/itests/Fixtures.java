package net.vdpa.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Makes real bundles from the fixtures jar the reactor built: each copy gets its own symbolic name
 * and its own {@code Vdpa-Test-Devices} / {@code Vdpa-Test-Drivers} headers, so a test can install,
 * stop and uninstall each device or driver bundle on its own.
 */
final class Fixtures {
  private Fixtures() {}

  /** Installs and starts a fixture bundle registering the given devices and drivers. */
  static Bundle install(BundleContext context, String tag, String devices, String drivers) throws BundleException {
    Bundle b = context.installBundle("fixture:" + tag, jar(tag, devices, drivers));
    b.start();
    return b;
  }

  static Bundle devices(BundleContext context, String tag, String devices) throws BundleException {
    return install(context, tag, devices, null);
  }

  static Bundle drivers(BundleContext context, String tag, String drivers) throws BundleException {
    return install(context, tag, null, drivers);
  }

  private static InputStream jar(String tag, String devices, String drivers) {
    Path source = Path.of(System.getProperty("vdpa.bundle.fixtures"));
    try (JarInputStream in = new JarInputStream(Files.newInputStream(source))) {
      Manifest m = new Manifest(in.getManifest());
      Attributes a = m.getMainAttributes();
      a.putValue("Bundle-SymbolicName", "net.vdpa.fixtures." + tag);
      if (devices != null) {
        a.putValue("Vdpa-Test-Devices", devices);
      }
      if (drivers != null) {
        a.putValue("Vdpa-Test-Drivers", drivers);
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JarOutputStream out = new JarOutputStream(bytes, m)) {
        for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
          out.putNextEntry(new JarEntry(e.getName()));
          in.transferTo(out);
          out.closeEntry();
        }
      }
      return new ByteArrayInputStream(bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read fixtures jar " + source + ": " + e.getMessage(), e);
    }
  }
}
