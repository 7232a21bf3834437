package net.vdpa.benchmarks.bus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import net.vdpa.benchmarks.BenchBundles;
import net.vdpa.api.VdpaDevice;
import net.vdpa.benchmarks.bus.fixture.BenchDevice;
import net.vdpa.benchmarks.bus.fixture.Counter;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

/**
 * A real Felix framework inside the benchmark JVM, with SCR, Event Admin and Log, and either the
 * vDPA bus with two generated driver bundles ({@code primary}, score 10; {@code secondary}, score
 * 5) or the baseline DS component. Devices are registered from the system bundle; the API and the
 * fixture classes come from the class path through the system bundle's exports.
 */
final class OsgiHarness {
  /** Which side of the comparison a harness runs. */
  enum Impl { BUS, DS }

  private static final String FIXTURE = "net.vdpa.benchmarks.bus.fixture;version=1.0.0";

  final Framework framework;
  final BundleContext context;
  final Map<String, Counter> counters = new HashMap<>();
  final Map<String, Bundle> drivers = new HashMap<>();
  private final List<ServiceRegistration<VdpaDevice>> devices = new ArrayList<>();
  private int generation;

  OsgiHarness(Impl impl, Path storage) throws Exception {
    Map<String, String> config = new HashMap<>();
    config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
    config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
    config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, BenchBundles.apiExports() + "," + FIXTURE);
    config.put("org.apache.felix.eventadmin.LogLevel", "1");
    config.put("ds.loglevel", "error");
    framework = new FrameworkFactory().newFramework(config);
    framework.start();
    context = framework.getBundleContext();
    Path dir = BenchBundles.dir();
    List<Bundle> base = new ArrayList<>();
    for (String b : new String[] {"org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
        "org.apache.felix.scr", "org.apache.felix.eventadmin", "org.apache.felix.log"}) {
      base.add(context.installBundle(dir.resolve(b + ".jar").toUri().toString()));
    }
    for (Bundle b : base) {
      b.start();
    }
    for (String name : new String[] {"primary", "secondary", "baseline"}) {
      Counter c = new Counter();
      Hashtable<String, Object> p = new Hashtable<>();
      p.put("name", name);
      context.registerService(Counter.class, c, p);
      counters.put(name, c);
    }
    if (impl == Impl.BUS) {
      context.installBundle(dir.resolve("bus.jar").toUri().toString()).start();
      drivers.put("primary", install("bench.primary", driverBundle("primary", 10)));
      drivers.put("secondary", install("bench.secondary", driverBundle("secondary", 5)));
    } else {
      install("bench.baseline", baselineBundle());
    }
  }


  private Bundle install(String location, byte[] jar) throws Exception {
    Bundle b = context.installBundle(location, new ByteArrayInputStream(jar));
    b.start();
    return b;
  }

  /** Registers {@code n} devices with fresh names. */
  void registerDevices(int n) {
    int g = ++generation;
    for (int i = 0; i < n; i++) {
      String name = "d" + g + "-" + i;
      Hashtable<String, Object> p = new Hashtable<>();
      p.put(VdpaDevice.PROP_NAME, name);
      devices.add(context.registerService(VdpaDevice.class, new BenchDevice(name), p));
    }
  }

  /** Unregisters every device registered so far. */
  void unregisterDevices() {
    for (ServiceRegistration<VdpaDevice> r : devices) {
      r.unregister();
    }
    devices.clear();
  }

  void stop() throws Exception {
    framework.stop();
    framework.waitForStop(60_000);
  }

  private static byte[] driverBundle(String name, int score) throws IOException {
    Manifest m = manifest("bench.driver." + name);
    m.getMainAttributes().putValue("Bundle-Activator", "net.vdpa.benchmarks.bus.fixture.DriverActivator");
    m.getMainAttributes().putValue("Bench-Driver", name + ";" + score);
    return jar(m, Map.of());
  }

  private static byte[] baselineBundle() throws IOException {
    Manifest m = manifest("bench.baseline");
    m.getMainAttributes().putValue("Service-Component", "OSGI-INF/baseline.xml");
    String xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="baseline" immediate="true">
          <implementation class="net.vdpa.benchmarks.bus.fixture.BaselineComponent"/>
          <reference name="counter" interface="net.vdpa.benchmarks.bus.fixture.Counter" target="(name=baseline)" bind="setCounter"/>
          <reference name="devices" interface="net.vdpa.api.VdpaDevice" cardinality="0..n" policy="dynamic"
              policy-option="greedy" bind="bindDevice" unbind="unbindDevice"/>
        </scr:component>
        """;
    return jar(m, Map.of("OSGI-INF/baseline.xml", xml));
  }

  private static Manifest manifest(String bsn) {
    Manifest m = new Manifest();
    Attributes a = m.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Bundle-ManifestVersion", "2");
    a.putValue("Bundle-SymbolicName", bsn);
    a.putValue("Bundle-Version", "1.0.0");
    a.putValue("Import-Package", "net.vdpa.api,net.vdpa.benchmarks.bus.fixture,org.osgi.framework");
    return m;
  }

  private static byte[] jar(Manifest m, Map<String, String> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(bytes, m)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
