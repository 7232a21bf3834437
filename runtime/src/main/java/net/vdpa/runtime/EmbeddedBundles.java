package net.vdpa.runtime;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Brings the framework's bundles in line with what the runtime jar carries, following
 * {@link BundlePlan}, before the framework starts. Each bundle is installed at a real URL (its
 * {@code jar:file:...!/jar/NAME.jar} entry in the runtime jar), so {@code update ID} from the shell
 * reads it again; what the runtime installed is recorded (bundle id and content digest) in the
 * system bundle's data area, so that it knows its own copies from bundles installed from the shell.
 *
 * <p>One thread: the launcher's, between {@code init()} and {@code start()} of the framework.
 */
final class EmbeddedBundles {
  private static final String RECORD = "vdpa-runtime-bundles.properties";

  private final BundleContext system;
  private final ClassLoader loader;
  private final PrintStream err;

  EmbeddedBundles(BundleContext system, ClassLoader loader, PrintStream err) {
    this.system = system;
    this.loader = loader;
    this.err = err;
  }

  /** A bundle the runtime jar carries, read once. */
  private record Embedded(LaunchConfig.Entry entry, String location, byte[] content, String bsn, String digest) {}

  /**
   * Installs, updates or yields each embedded bundle and marks the resulting bundles to start at
   * their start level, except those named in {@code idle}, which are installed but marked not to
   * start. A bundle that cannot be installed costs one line on standard error, not the start.
   */
  void sync(List<LaunchConfig.Entry> entries, Set<String> idle) throws IOException {
    Map<Long, String> record = readRecord();
    for (LaunchConfig.Entry e : entries) {
      Embedded emb;
      try {
        emb = read(e);
      } catch (IOException ex) {
        err.println("vdpa-runtime: cannot read " + e.path() + " from the runtime jar: " + ex.getMessage());
        continue;
      }
      try {
        apply(emb, record, idle.contains(emb.bsn()));
      } catch (BundleException | RuntimeException ex) {
        err.println("vdpa-runtime: cannot install " + emb.bsn() + " from " + emb.location() + ": " + ex.getMessage());
      }
    }
    record.keySet().removeIf(id -> system.getBundle(id) == null);
    writeRecord(record);
  }

  private void apply(Embedded emb, Map<Long, String> record, boolean idle) throws BundleException {
    List<BundlePlan.Installed> same = new ArrayList<>();
    for (Bundle b : system.getBundles()) {
      if (b.getBundleId() != 0 && emb.bsn().equals(b.getSymbolicName())) {
        same.add(new BundlePlan.Installed(b.getBundleId(), b.getLocation()));
      }
    }
    BundlePlan.Action action = BundlePlan.decide(emb.location(), emb.digest(), same, record);
    Bundle target;
    if (action instanceof BundlePlan.Keep k) {
      target = system.getBundle(k.id());
    } else if (action instanceof BundlePlan.Update u) {
      target = system.getBundle(u.id());
      target.update(new ByteArrayInputStream(emb.content()));
      record.put(target.getBundleId(), emb.digest());
    } else if (action instanceof BundlePlan.Reinstall r) {
      system.getBundle(r.id()).uninstall();
      record.remove(r.id());
      target = install(emb, record);
    } else if (action instanceof BundlePlan.Yield y) {
      target = system.getBundle(y.id());
      // the user's copy takes the place of the runtime's, start level included
      target.adapt(BundleStartLevel.class).setStartLevel(emb.entry().startLevel());
      err.println("vdpa-runtime: " + emb.bsn() + " is the one installed from " + y.location()
          + " (bundle " + y.id() + "), not the runtime's own; delete vdpa-cache to go back to it");
    } else {
      target = install(emb, record);
    }
    if (target.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
      return; // fragments are attached, not started
    }
    if (idle) {
      target.stop(); // clears its autostart setting: the start levels pass it by
    } else {
      target.start(Bundle.START_ACTIVATION_POLICY);
    }
  }

  private Bundle install(Embedded emb, Map<Long, String> record) throws BundleException {
    Bundle b = system.installBundle(emb.location(), new ByteArrayInputStream(emb.content()));
    b.adapt(BundleStartLevel.class).setStartLevel(emb.entry().startLevel());
    record.put(b.getBundleId(), emb.digest());
    return b;
  }

  private Embedded read(LaunchConfig.Entry e) throws IOException {
    URL url = loader.getResource(e.path());
    if (url == null) {
      throw new IOException("no such entry");
    }
    byte[] content;
    try (InputStream in = url.openStream()) {
      content = in.readAllBytes();
    }
    String bsn = symbolicName(content);
    if (bsn == null) {
      throw new IOException("it has no Bundle-SymbolicName");
    }
    return new Embedded(e, url.toExternalForm(), content, bsn, sha256(content));
  }

  /** The symbolic name in a bundle's manifest, without directives; null if there is none. */
  static String symbolicName(byte[] jar) throws IOException {
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
      Manifest m = in.getManifest();
      String v = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
      return v == null ? null : v.split(";", 2)[0].trim();
    }
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private Map<Long, String> readRecord() throws IOException {
    Map<Long, String> out = new HashMap<>();
    File f = system.getDataFile(RECORD);
    if (f == null || !f.isFile()) {
      return out;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(f.toPath())) {
      p.load(in);
    }
    for (String k : p.stringPropertyNames()) {
      try {
        out.put(Long.parseLong(k), p.getProperty(k));
      } catch (NumberFormatException e) {
        // not ours to keep: a damaged record only means those bundles count as the user's
      }
    }
    return out;
  }

  private void writeRecord(Map<Long, String> record) throws IOException {
    File f = system.getDataFile(RECORD);
    if (f == null) {
      return;
    }
    Properties p = new Properties();
    record.forEach((id, digest) -> p.setProperty(Long.toString(id), digest));
    try (OutputStream out = Files.newOutputStream(f.toPath())) {
      p.store(out, "bundles the vDPA runtime installed from its jar: id = SHA-256 of the content");
    }
  }
}
