package net.vdpa.karaf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh Karaf distribution made fit for a test on a shared machine: loopback only, free ports, a
 * login user with a password and an SSH key, and Maven resolution that cannot see this project's
 * artifacts anywhere but in what the test installs: an empty local repository, {@code ~/.m2}
 * without its {@code net/vdpa} folder and Maven Central for releases only (for the artifacts Karaf's
 * own features fetch), so whatever {@code mvn install} left there is not found.
 */
final class KarafSetup {
  private KarafSetup() {}

  /** Edits {@code etc/} of the Karaf at {@code home}; the public key is the login key of user karaf. */
  static void configure(Path home, int sshPort, int httpPort, String publicKey, Path m2) throws IOException {
    Path etc = home.resolve("etc");
    edit(etc.resolve("users.properties"), s -> s.replace("#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup")
        .replace("#_g_\\:admingroup", "_g_\\:admingroup"));
    // keys.properties: user=key,roles (the key's base64 only, as Karaf reads it)
    Files.writeString(etc.resolve("keys.properties"), "karaf=" + publicKey.split(" ")[1] + ",_g_:admingroup\n"
        + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n");
    edit(etc.resolve("org.apache.karaf.shell.cfg"), s -> s.replaceAll("(?m)^sshPort\\s*=.*$", "sshPort = " + sshPort)
        .replaceAll("(?m)^sshHost\\s*=.*$", "sshHost = 127.0.0.1"));
    edit(etc.resolve("org.apache.karaf.management.cfg"), s -> s
        .replaceAll("(?m)^rmiRegistryPort\\s*=.*$", "rmiRegistryPort = " + freePort())
        .replaceAll("(?m)^rmiRegistryHost\\s*=.*$", "rmiRegistryHost = 127.0.0.1")
        .replaceAll("(?m)^rmiServerPort\\s*=.*$", "rmiServerPort = " + freePort())
        .replaceAll("(?m)^rmiServerHost\\s*=.*$", "rmiServerHost = 127.0.0.1"));
    // Pax Web, where the webconsole feature is installed: loopback only, a free port
    Files.writeString(etc.resolve("org.ops4j.pax.web.cfg"),
        "org.osgi.service.http.port = " + httpPort + "\norg.ops4j.pax.web.listening.addresses = 127.0.0.1\n");
    Path mvn = etc.resolve("org.ops4j.pax.url.mvn.cfg");
    // edited from the distribution's own file, kept beside it the first time, so a second run starts the same
    Path original = etc.resolve("org.ops4j.pax.url.mvn.cfg.dist");
    if (!Files.exists(original)) {
      Files.copy(mvn, original);
    }
    List<String> lines = Files.readAllLines(original);
    String defaults = remove(lines, "org.ops4j.pax.url.mvn.defaultRepositories");
    remove(lines, "org.ops4j.pax.url.mvn.repositories");
    remove(lines, "org.ops4j.pax.url.mvn.localRepository");
    Path local = home.resolve("empty-m2");
    Files.createDirectories(local);
    // Karaf's own (system/ and the KARs' data/kar), then ~/.m2 but for this project
    lines.add("org.ops4j.pax.url.mvn.defaultRepositories = " + defaults + ", " + withoutProject(home, m2).toUri()
        + "@id=m2@snapshots");
    // Maven Central for releases only, where Karaf's own features find what ~/.m2 may lack (the
    // conditional bundles of its scr feature, Pax Web): never a snapshot, so never this project's
    lines.add("org.ops4j.pax.url.mvn.repositories = https://repo1.maven.org/maven2@id=central");
    lines.add("org.ops4j.pax.url.mvn.localRepository = " + local);
    Files.write(mvn, lines);
  }

  /** A view of {@code m2}: links to all of it but {@code net/vdpa}. */
  private static Path withoutProject(Path home, Path m2) throws IOException {
    Path view = home.resolve("m2-but-vdpa");
    // made again each run, so that what ~/.m2 gained since is seen (deleting a link leaves its target)
    for (Path dir : List.of(view.resolve("net"), view)) {
      if (Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (var links = Files.newDirectoryStream(dir)) {
          for (Path link : links) {
            if (Files.isSymbolicLink(link)) {
              Files.delete(link);
            }
          }
        }
      }
    }
    Files.createDirectories(view.resolve("net"));
    try (var top = Files.newDirectoryStream(m2)) {
      for (Path p : top) {
        if (!p.getFileName().toString().equals("net")) {
          Files.createSymbolicLink(view.resolve(p.getFileName().toString()), p);
        }
      }
    }
    if (Files.isDirectory(m2.resolve("net"))) {
      try (var net = Files.newDirectoryStream(m2.resolve("net"))) {
        for (Path p : net) {
          if (!p.getFileName().toString().equals("vdpa")) {
            Files.createSymbolicLink(view.resolve("net").resolve(p.getFileName().toString()), p);
          }
        }
      }
    }
    return view;
  }

  /** Removes a property (with its continuation lines) and returns its value, joined. */
  private static String remove(List<String> lines, String key) {
    StringBuilder value = new StringBuilder();
    List<String> kept = new ArrayList<>();
    boolean in = false;
    for (String line : lines) {
      if (!in && line.startsWith(key) && line.substring(key.length()).trim().startsWith("=")) {
        in = true;
        line = line.substring(line.indexOf('=') + 1);
      }
      if (in) {
        boolean more = line.endsWith("\\");
        value.append(more ? line.substring(0, line.length() - 1) : line).append(' ');
        in = more;
      } else {
        kept.add(line);
      }
    }
    lines.clear();
    lines.addAll(kept);
    return value.toString().trim().replaceAll("\\s+", " ");
  }

  private interface Edit {
    String apply(String s);
  }

  private static void edit(Path file, Edit e) throws IOException {
    Files.writeString(file, e.apply(Files.readString(file)));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on loopback: " + e.getMessage(), e);
    }
  }
}
