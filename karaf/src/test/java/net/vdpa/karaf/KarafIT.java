package net.vdpa.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The features repository in a real Apache Karaf 4.4 from Maven Central: configured for loopback
 * only, the project's artifacts staged in a local file repository, the feature installed and used
 * through {@code bin/client}, then uninstalled with nothing of the project left behind.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class KarafIT {
  private static final String[] ARTIFACTS = {"api", "ring", "unix", "bus", "config", "shell", "device.core", "device.simnet", "device.simblk", "driver.virtionet", "driver.virtioblk", "driver.vhost", "device.smartnic", "driver.passthrough", "pmd.virtio", "health"};
  /** Staged too (Karaf downloads a feature's conditional bundles), installed only with Karaf's webconsole feature. */
  private static final String[] CONDITIONAL = {"webconsole"};
  private static Path home;
  private static Process karaf;
  private static int sshPort;
  private static int httpPort;
  private static String version;

  @BeforeClass
  public static void startKaraf() throws Exception {
    home = Path.of(System.getProperty("vdpa.karaf.home"));
    version = System.getProperty("vdpa.version");
    assertTrue("Karaf not unpacked at " + home, Files.isDirectory(home.resolve("bin")));
    Path stage = stage();
    sshPort = freePort();
    httpPort = freePort();
    configure(stage);
    ProcessBuilder kb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile());
    kb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    karaf = kb.redirectErrorStream(true).redirectOutput(home.resolve("karaf-console.log").toFile()).start();
    // bin/client retries until the SSH server is up
    String out = client("feature:repo-list");
    assertTrue("Karaf did not come up: " + out, out.contains("standard-"));
  }

  @AfterClass
  public static void stopKaraf() throws Exception {
    if (karaf != null) {
      // bin/karaf is a script: stop the JVM it started too, not only the script
      List<ProcessHandle> all = new ArrayList<>(karaf.descendants().toList());
      all.add(karaf.toHandle());
      for (ProcessHandle h : all) {
        h.destroy();
      }
      for (ProcessHandle h : all) {
        try {
          h.onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          h.destroyForcibly();
        }
      }
    }
  }

  /** Copies the reactor's bundles and the features file into a Maven-layout folder Karaf reads. */
  private static Path stage() throws IOException {
    Path stage = Path.of(System.getProperty("vdpa.stage"));
    Path bundles = Path.of(System.getProperty("vdpa.bundles"));
    for (String a : java.util.stream.Stream.concat(java.util.Arrays.stream(ARTIFACTS), java.util.Arrays.stream(CONDITIONAL)).toList()) {
      Path jar = bundles.resolve(a).resolve("target").resolve(a + "-" + version + ".jar");
      assertTrue("bundle not built: " + jar, Files.isRegularFile(jar));
      Path to = stage.resolve("net/vdpa/" + a + "/" + version + "/" + a + "-" + version + ".jar");
      Files.createDirectories(to.getParent());
      Files.copy(jar, to, StandardCopyOption.REPLACE_EXISTING);
    }
    Path features = stage.resolve("net/vdpa/karaf/" + version + "/karaf-" + version + "-features.xml");
    Files.createDirectories(features.getParent());
    Files.copy(Path.of(System.getProperty("vdpa.features")), features, StandardCopyOption.REPLACE_EXISTING);
    return stage;
  }

  /** Loopback only, a login user, and file repositories: Karaf's own, the staged one, ~/.m2. */
  private static void configure(Path stage) throws IOException {
    Path etc = home.resolve("etc");
    edit(etc.resolve("users.properties"), s -> s.replace("#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup")
        .replace("#_g_\\:admingroup", "_g_\\:admingroup"));
    edit(etc.resolve("org.apache.karaf.shell.cfg"), s -> s.replaceAll("(?m)^sshPort\\s*=.*$", "sshPort = " + sshPort)
        .replaceAll("(?m)^sshHost\\s*=.*$", "sshHost = 127.0.0.1"));
    edit(etc.resolve("org.apache.karaf.management.cfg"), s -> s
        .replaceAll("(?m)^rmiRegistryPort\\s*=.*$", "rmiRegistryPort = " + freePortQuietly())
        .replaceAll("(?m)^rmiRegistryHost\\s*=.*$", "rmiRegistryHost = 127.0.0.1")
        .replaceAll("(?m)^rmiServerPort\\s*=.*$", "rmiServerPort = " + freePortQuietly())
        .replaceAll("(?m)^rmiServerHost\\s*=.*$", "rmiServerHost = 127.0.0.1"));
    // Pax Web, where the webconsole feature is installed: loopback only, a free port
    Files.writeString(etc.resolve("org.ops4j.pax.web.cfg"),
        "org.osgi.service.http.port = " + httpPort + "\norg.ops4j.pax.web.listening.addresses = 127.0.0.1\n");
    String m2 = Path.of(System.getProperty("vdpa.m2")).toUri().toString();
    Path mvn = etc.resolve("org.ops4j.pax.url.mvn.cfg");
    List<String> kept = new ArrayList<>();
    boolean skipping = false;
    for (String line : Files.readAllLines(mvn)) {
      if (line.startsWith("org.ops4j.pax.url.mvn.defaultRepositories")) {
        skipping = true;
      }
      if (!skipping) {
        kept.add(line);
      } else if (!line.endsWith("\\")) {
        skipping = false;
      }
    }
    kept.add("org.ops4j.pax.url.mvn.defaultRepositories = ${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
        + stage.toUri() + "@id=vdpa@snapshots, " + m2 + "@id=m2@snapshots");
    Files.write(mvn, kept);
  }

  private interface Edit {
    String apply(String s);
  }

  private static void edit(Path file, Edit e) throws IOException {
    Files.writeString(file, e.apply(Files.readString(file)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int freePortQuietly() {
    try {
      return freePort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs one command through {@code bin/client} in batch mode and returns what it printed. Batch
   * mode prints what {@code echo} prints, so the command runs as {@code echo (COMMAND)}.
   */
  private static String client(String command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/client").toString(), "-u", "karaf", "-p", "karaf",
        "-h", "127.0.0.1", "-a", Integer.toString(sshPort), "-r", "60", "-d", "2", "-b"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    p.getOutputStream().write(("echo (" + command + ")\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/client did not finish: " + command);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    System.out.println("karaf> " + command + "\n" + text);
    return text;
  }

  @Test
  public void theFeatureInstallsWorksAndUninstallsCleanly() throws Exception {
    String repo = client("feature:repo-add mvn:net.vdpa/karaf/" + version + "/xml/features");
    assertFalse(repo, repo.toLowerCase().contains("error"));
    // a device kept as a file in etc/, as an administrator would write it
    Files.writeString(home.resolve("etc/net.vdpa.device-kfile.cfg"), "name = kfile\nmgmtdev = vdpasim_net\nmtu = 4000\n");
    String install = client("feature:install vdpa");
    assertFalse(install, install.toLowerCase().contains("error"));
    String bundles = client("bundle:list -s -t 0");
    for (String a : ARTIFACTS) {
      assertTrue("net.vdpa." + a + " active in\n" + bundles,
          bundles.lines().anyMatch(l -> l.contains("net.vdpa." + a) && l.contains("Active")));
    }
    assertFalse("the Web Console tab without Karaf's webconsole feature:\n" + bundles, bundles.contains("net.vdpa.webconsole"));
    String add = client("vdpa:dev add name kd0 mgmtdev vdpasim_net");
    assertTrue(add, add.contains("kd0: bound to virtio_net"));
    // the project's events reach Karaf's log at INFO, where log:display shows them
    String log = client("log:display");
    assertTrue(log, log.lines().anyMatch(l -> l.contains("INFO") && l.contains("device kd0 bound to driver virtio_net")));
    String show = client("vdpa:bus show");
    assertTrue(show, show.contains("kd0: bound driver virtio_net autoprobe on"));
    String dev = client("vdpa:dev show kd0");
    assertTrue(dev, dev.contains("kd0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024"));
    // JSON through JSON-P: Parsson comes with the feature, wired to the shell by its osgi.serviceloader capability
    String json = client("vdpa:dev -j show kd0");
    assertTrue(json, json.contains("{\"dev\":{\"kd0\":{\"type\":\"network\",\"mgmtdev\":\"vdpasim_net\","));
    String fromFile = client("vdpa:dev config show kfile");
    assertTrue(fromFile, fromFile.contains("kfile: mac ") && fromFile.contains(" mtu 4000"));
    String add2 = client("vdpa:dev add name kd2 mgmtdev vdpasim_net");
    assertTrue(add2, add2.contains("kd2: bound to virtio_net"));
    String cable = client("vdpa:port cable kd0 kd2");
    assertTrue(cable, cable.contains("kd0: wire cable peer kd2 link up") && cable.contains("kd2: wire cable peer kd0 link up"));
    String traffic = client("net:traffic count 1000 vnet-kd0 vnet-kd2");
    assertTrue(traffic, traffic.contains("vnet-kd0 -> vnet-kd2: sent 1000 received 1000 lost 0 size 64 in "));
    String err = client("vdpa:dev add name kd1 mgmtdev vdpasim_net mtu 40");
    assertTrue(err, err.contains("mtu 40 is below 68"));
    assertFalse(err, err.contains("\tat "));
    String uninstall = client("feature:uninstall vdpa");
    assertFalse(uninstall, uninstall.toLowerCase().contains("error"));
    String after = client("bundle:list -s -t 0");
    assertFalse("project bundles left:\n" + after, after.contains("net.vdpa."));
    String services = client("service:list net.vdpa.api.VdpaBus");
    assertFalse("VdpaBus still registered:\n" + services, services.contains("net.vdpa.api.VdpaBus"));
    assertEquals("", client("service:list net.vdpa.api.VdpaDevice").trim());
  }

  /**
   * Runs after {@link #theFeatureInstallsWorksAndUninstallsCleanly} (name order): with Karaf's own
   * Web Console, the feature brings the vDPA tab, served through javax.servlet (Pax Web), behind
   * Karaf's login, refusing a POST without the page's CSRF token and acting with it.
   */
  @Test
  public void theWebConsoleFeatureBringsTheVdpaTab() throws Exception {
    client("feature:repo-add mvn:net.vdpa/karaf/" + version + "/xml/features");
    String install = client("feature:install vdpa");
    assertFalse(install, install.toLowerCase().contains("error"));
    // installed after the vdpa feature: the conditional bundle follows
    String web = client("feature:install http webconsole");
    assertFalse(web, web.toLowerCase().contains("error"));
    String bundles = client("bundle:list -s -t 0");
    assertTrue(bundles, bundles.lines().anyMatch(l -> l.contains("net.vdpa.webconsole") && l.contains("Active")));
    String tab = "http://127.0.0.1:" + httpPort + "/system/console/vdpa";
    java.net.CookieManager cookies = new java.net.CookieManager();
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().cookieHandler(cookies).build();
    String auth = "Basic " + java.util.Base64.getEncoder().encodeToString("karaf:karaf".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(tab)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    String page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(tab)).header("Authorization", auth).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    java.util.regex.Matcher token = java.util.regex.Pattern.compile("data-csrf=\"([^\"]+)\"").matcher(page);
    assertTrue(page, page.contains("<a href=\"/system/console/vdpa\">vDPA</a>") && token.find());
    java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> post = (csrf, form) -> {
      java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(tab + "/action.json"))
          .header("Authorization", auth).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form));
      if (csrf != null) {
        b.header("X-Vdpa-Csrf", csrf);
      }
      try {
        return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      } catch (IOException | InterruptedException e) {
        throw new AssertionError(e);
      }
    };
    java.net.http.HttpResponse<String> refused = post.apply(null, "action=add&device=kw0&mgmtdev=vdpasim_net");
    assertEquals(refused.body(), 403, refused.statusCode());
    java.net.http.HttpResponse<String> added = post.apply(token.group(1), "action=add&device=kw0&mgmtdev=vdpasim_net");
    assertEquals(added.body(), "{\"ok\":\"added kw0 on vdpasim_net\"}", added.body());
    String state = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(tab + "/state.json")).header("Authorization", auth).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(state, state.contains("\"name\":\"kw0\",\"type\":\"network\",\"mgmtdev\":\"vdpasim_net\",\"state\":\"BOUND\",\"driver\":\"virtio_net\""));
    assertTrue(client("vdpa:bus show"), client("vdpa:bus show").contains("kw0: bound driver virtio_net"));
    java.net.http.HttpResponse<String> deleted = post.apply(token.group(1), "action=del&device=kw0");
    assertEquals(deleted.body(), 200, deleted.statusCode());
    String uninstall = client("feature:uninstall vdpa");
    assertFalse(uninstall, uninstall.toLowerCase().contains("error"));
    assertFalse(client("bundle:list -s -t 0"), client("bundle:list -s -t 0").contains("net.vdpa."));
  }
}
