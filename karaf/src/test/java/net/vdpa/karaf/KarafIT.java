package net.vdpa.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
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
 * The project's KAR in a real Apache Karaf 4.4 from Maven Central, as a user gets it: a fresh
 * distribution bound to loopback, which resolves this project's snapshots from nowhere but the KAR
 * ({@link KarafSetup}); {@code kar:install} of the file the build wrote, the commands used through
 * {@code bin/client}, their help and completion through an SSH terminal ({@link KarafTerminal}),
 * then the feature uninstalled with nothing of the project left behind.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class KarafIT {
  private static final String[] ARTIFACTS = {"api", "ring", "unix", "bus", "config", "shell", "device.core", "device.simnet", "device.simblk", "driver.virtionet", "driver.virtioblk", "driver.vhost", "device.smartnic", "driver.passthrough", "pmd.virtio", "health"};
  private static Path home;
  private static Process karaf;
  private static int sshPort;
  private static int httpPort;
  private static String version;
  private static Path key;

  @BeforeClass
  public static void startKaraf() throws Exception {
    home = Path.of(System.getProperty("vdpa.karaf.home"));
    version = System.getProperty("vdpa.version");
    assertTrue("Karaf not unpacked at " + home, Files.isDirectory(home.resolve("bin")));
    // a fresh Karaf: nothing installed by an earlier run, no device kept from it
    deleteTree(home.resolve("data"));
    try (var kept = Files.newDirectoryStream(home.resolve("etc"), "net.vdpa.*")) {
      for (Path p : kept) {
        Files.delete(p);
      }
    }
    key = home.resolve("test-key");
    Files.deleteIfExists(key);
    Files.deleteIfExists(home.resolve("test-key.pub"));
    Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key.toString())
        .redirectErrorStream(true).start();
    assertTrue("ssh-keygen did not finish", keygen.waitFor(60, TimeUnit.SECONDS));
    assertEquals(new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8), 0, keygen.exitValue());
    sshPort = KarafSetup.freePort();
    httpPort = KarafSetup.freePort();
    KarafSetup.configure(home, sshPort, httpPort, Files.readString(home.resolve("test-key.pub")).trim(),
        Path.of(System.getProperty("vdpa.m2")));
    ProcessBuilder kb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile());
    kb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    karaf = kb.redirectErrorStream(true).redirectOutput(home.resolve("karaf-console.log").toFile()).start();
    // bin/client retries until the SSH server is up
    String out = client("feature:repo-list");
    assertTrue("Karaf did not come up: " + out, out.contains("standard-"));
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (var all = Files.walk(root)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
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

  /**
   * Runs one command through {@code bin/client} in batch mode and returns what it printed. Batch
   * mode prints what {@code echo} prints, so the command runs as {@code echo (COMMAND)}.
   */
  private static String client(String command) throws IOException, InterruptedException {
    return batch("echo (" + command + ")");
  }

  /** Runs one line through {@code bin/client} in batch mode, as typed, and returns what it printed. */
  private static String batch(String line) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/client").toString(), "-u", "karaf", "-p", "karaf",
        "-h", "127.0.0.1", "-a", Integer.toString(sshPort), "-r", "60", "-d", "2", "-b"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/client did not finish: " + line);
    }
    // Karaf styles help and errors (bold, red) even in batch mode: the text without the styles
    String text = new String(out, StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
    System.out.println("karaf> " + line + "\n" + text);
    return text;
  }

  @Test
  public void theFeatureInstallsWorksAndUninstallsCleanly() throws Exception {
    // the project's snapshots come from nowhere before the KAR: not from ~/.m2, whatever was installed there
    String before = client("bundle:install mvn:net.vdpa/api/" + version);
    assertTrue(before, before.contains("Error") && !before.contains("Bundle ID"));
    // a device kept as a file in etc/, as an administrator would write it
    Files.writeString(home.resolve("etc/net.vdpa.device-kfile.cfg"), "name = kfile\nmgmtdev = vdpasim_net\nmtu = 4000\n");
    Path kar = Path.of(System.getProperty("vdpa.kar"));
    assertTrue("KAR not built: " + kar, Files.isRegularFile(kar));
    // kar:install adds the features repository it carries and installs the vdpa feature; --no-refresh
    // (-r for feature:install and feature:uninstall, here and below) as the README says: JLine, under
    // Karaf's shell, optionally imports the JNA the feature brings, and a refresh restarts the shell
    // under the running command (seen hanging bin/client for good once its stop threw)
    String install = client("kar:install --no-refresh " + kar.toUri());
    assertFalse(install, install.toLowerCase().contains("error"));
    assertTrue(client("kar:list"), client("kar:list").contains("vdpa-" + version));
    String karafLog = Files.readString(home.resolve("data/log/karaf.log"));
    assertFalse("Karaf refreshed bundles:\n" + karafLog, karafLog.contains("Refreshing bundles"));
    String features = client("feature:list -i");
    assertTrue(features, features.lines().anyMatch(l -> l.startsWith("vdpa ") && l.contains("Started")));
    String bundles = client("bundle:list -s -t 0");
    for (String a : ARTIFACTS) {
      assertTrue("net.vdpa." + a + " active in\n" + bundles,
          bundles.lines().anyMatch(l -> l.contains("net.vdpa." + a) && l.contains("Active")));
    }
    assertFalse("the Web Console tab without Karaf's webconsole feature:\n" + bundles, bundles.contains("net.vdpa.webconsole"));
    String add = client("vdpa:dev add name kd0 mgmtdev vdpasim_net");
    assertFalse("dev add prints nothing, as iproute2's does: " + add, withoutProgress(add).contains("kd0"));
    String show = client("vdpa:bus show");
    assertTrue(show, show.contains("kd0: bound driver virtio_net autoprobe on"));
    // the project's events reach Karaf's log at INFO, where log:display shows them
    String log = client("log:display");
    assertTrue(log, log.lines().anyMatch(l -> l.contains("INFO") && l.contains("device kd0 bound to driver virtio_net")));
    String dev = client("vdpa:dev show kd0");
    assertTrue(dev, dev.contains("kd0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024"));
    // JSON through JSON-P: Parsson comes with the feature, wired to the shell by its osgi.serviceloader capability
    String json = client("vdpa:dev -j show kd0");
    assertTrue(json, json.contains("{\"dev\":{\"kd0\":{\"type\":\"network\",\"mgmtdev\":\"vdpasim_net\","));
    String fromFile = client("vdpa:dev config show kfile");
    assertTrue(fromFile, fromFile.contains("kfile: mac ") && fromFile.contains(" mtu 4000"));
    String add2 = client("vdpa:dev add name kd2 mgmtdev vdpasim_net");
    assertFalse(add2, withoutProgress(add2).contains("kd2"));
    String cable = client("vdpa:port cable kd0 kd2");
    assertTrue(cable, cable.contains("kd0: wire cable peer kd2 link up") && cable.contains("kd2: wire cable peer kd0 link up"));
    String traffic = client("net:traffic count 1000 vnet-kd0 vnet-kd2");
    assertTrue(traffic, traffic.contains("vnet-kd0 -> vnet-kd2: sent 1000 received 1000 lost 0 size 64 in "));
    String err = client("vdpa:dev add name kd1 mgmtdev vdpasim_net mtu 40");
    assertTrue(err, err.contains("mtu 40 is below 68"));
    assertFalse(err, err.contains("\tat "));
    String uninstall = client("feature:uninstall -r vdpa");
    assertFalse(uninstall, uninstall.toLowerCase().contains("error"));
    String after = client("bundle:list -s -t 0");
    assertFalse("project bundles left:\n" + after, after.contains("net.vdpa."));
    String services = client("service:list net.vdpa.api.VdpaBus");
    assertFalse("VdpaBus still registered:\n" + services, services.contains("net.vdpa.api.VdpaBus"));
    assertEquals("", client("service:list net.vdpa.api.VdpaDevice").trim());
  }

  /**
   * Runs after {@link #theFeatureInstallsWorksAndUninstallsCleanly} (name order): the commands are
   * Karaf actions, once each, with Karaf's help; completion offers device, management device,
   * driver and interface names at a real terminal; a user error is one line at the console and
   * nothing in karaf.log.
   */
  @Test
  public void theKarafCommandsHaveHelpCompletionAndOneLineErrors() throws Exception {
    String install = client("feature:install -r vdpa");
    assertFalse(install, install.toLowerCase().contains("error"));
    for (String name : List.of("kc0", "kc1")) {
      String add = client("vdpa:dev add name " + name + " mgmtdev vdpasim_net");
      assertFalse("dev add prints nothing: " + add, withoutProgress(add).contains(name));
    }
    Path log = home.resolve("data/log/karaf.log");
    long logBefore = Files.size(log);

    // Karaf's own help, from the annotations: description, syntax, arguments, options
    String devHelp = batch("vdpa:dev --help");
    assertTrue(devHelp, devHelp.contains("vDPA devices: show, add, del") && devHelp.contains("SYNTAX")
        && devHelp.contains("vdpa:dev [options] [words]") && devHelp.contains("-j, --json") && devHelp.contains("--help"));
    String statsHelp = batch("net:stats --help");
    assertTrue(statsHelp, statsHelp.contains("Counters of a network interface") && statsHelp.contains("net:stats [options] name")
        && statsHelp.contains("-j, --json"));
    String ptHelp = batch("pt:open --help");
    assertTrue(ptHelp, ptHelp.contains("Open a device bound to vfio_vdpa"));
    String devlinkHelp = batch("devlink:port --help");
    assertTrue(devlinkHelp, devlinkHelp.contains("devlink ports") && devlinkHelp.contains("-p, --pretty"));
    String blkHelp = batch("blk:flush --help");
    assertTrue(blkHelp, blkHelp.contains("FLUSH on each of its queues"));

    // options as iproute2 has them, -jp included
    String json = client("vdpa:dev -jp show kc0");
    assertTrue(json, json.contains("\"kc0\"") && json.contains("\n"));
    assertTrue(client("vdpa:mgmtdev -j show"), client("vdpa:mgmtdev -j show").contains("\"vdpasim_net\""));
    String stats = client("net:stats -j vnet-kc0");
    assertTrue(stats, stats.contains("{\"stats\":{\"vnet-kc0\":{\"rx_packets\":0,"));
    String statsPretty = client("net:stats -jp vnet-kc0");
    assertTrue(statsPretty, statsPretty.contains("\"vnet-kc0\": {") && statsPretty.contains("\"queue_pairs\": ["));

    // a user error: one line naming the bad value, no stack trace at the console or in karaf.log
    String err = batch("vdpa:dev add name kc2 mgmtdev vdpasim_net mtu 40");
    assertEquals(err, List.of("Error executing command: mtu 40 is below 68"), lines(err));
    String unknown = batch("net:stats nosuch0");
    assertEquals(unknown, 1, lines(unknown).size());
    assertTrue(unknown, unknown.contains("nosuch0"));
    String badOption = batch("vdpa:dev --frobnicate show");
    assertTrue(badOption, badOption.contains("--frobnicate") && !badOption.contains("\tat "));
    String logged = Files.readString(log).substring((int) logBefore);
    assertFalse(logged, logged.contains("\tat ") || logged.contains("Exception caught while executing command"));

    // completion at a terminal: Tab completes a name, Enter runs the completed line
    try (KarafTerminal t = new KarafTerminal(key, sshPort)) {
      t.await("karaf@root()>");
      // each command once: the Gogo function it adapts is not listed beside it
      t.type("help vdpa\n");
      String list = t.await("vdpa:port");
      assertEquals(list, 1, list.lines().filter(l -> l.replace('|', ' ').strip().startsWith("vdpa:dev ")).count());
      t.type("vdpa:dev show kc\t");
      String devices = t.await("kc1");
      assertTrue(devices, devices.contains("kc0") && devices.contains("kc1"));
      t.type("1\n");
      t.await("kc1: type network mgmtdev vdpasim_net");
      t.type("vdpa:mgmtdev show vdpasim_n\t\n");
      t.await("supported_classes net");
      t.type("vdpa:dev bind kc0 \t");
      String drivers = t.await("virtio_net");
      assertTrue(drivers, drivers.contains("vfio_vdpa") && drivers.contains("vhost_vdpa") && drivers.contains("virtio_blk"));
      t.type("\u0015vdpa:dev unbind kc0\n");
      t.await("kc0: unbound");
      t.type("vdpa:dev bind kc0 virtio_n\t\n");
      t.await("kc0: bound to virtio_net");
      t.type("net:stats vnet-kc\t");
      String interfaces = t.await("vnet-kc1");
      assertTrue(interfaces, interfaces.contains("vnet-kc0"));
      t.type("1\n");
      t.await("vnet-kc1: rx_packets");
      t.type("vdpa:dev \t");
      String subcommands = t.await("override");
      assertTrue(subcommands, subcommands.contains("autoprobe") && subcommands.contains("vstats"));
      t.type("\u0015");
    }
    String uninstall = client("feature:uninstall -r vdpa");
    assertFalse(uninstall, uninstall.toLowerCase().contains("error"));
  }

  /** The lines a command printed, blank ones left out. */
  private static List<String> lines(String out) {
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /**
   * Runs after {@link #theFeatureInstallsWorksAndUninstallsCleanly} (name order): with Karaf's own
   * Web Console, the feature brings the vDPA tab, served through javax.servlet (Pax Web), behind
   * Karaf's login, refusing a POST without the page's CSRF token and acting with it.
   */
  @Test
  public void theRemoteFeatureInstallsWithZooKeeperDiscoveryActiveAndExportsOnLoopbackOnly() throws Exception {
    String install = client("feature:install -r vdpa-remote");
    assertFalse(install, install.toLowerCase().contains("error"));
    List<String> wanted = List.of("net.vdpa.remote", "net.vdpa.zookeeper", "org.apache.aries.rsa.discovery.local",
        "org.apache.aries.rsa.discovery.zookeeper", "org.apache.aries.rsa.provider.tcp", "com.sun.xml.bind.jaxb-osgi");
    String bundles = client("bundle:list -s -t 0");
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); !allActive(bundles, wanted) && System.nanoTime() < end; ) {
      bundles = client("bundle:list -s -t 0");
    }
    for (String bsn : wanted) {
      assertTrue(bsn + " is not Active:\n" + bundles, allActive(bundles, List.of(bsn)));
    }
    // exported, it listens on its address only (127.0.0.1): the remote bundle's weaving hook binds Aries' TCP server
    int port = KarafSetup.freePort();
    String export = batch("config:edit net.vdpa.remote; config:property-set export true; config:property-set port " + port
        + "; config:update");
    assertFalse(export, export.toLowerCase().contains("error"));
    List<InetAddress> listening = ListeningSockets.on(port);
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); listening.isEmpty() && System.nanoTime() < end; ) {
      Thread.sleep(200);
      listening = ListeningSockets.on(port);
    }
    assertEquals("listeners on port " + port, List.of(InetAddress.getByName("127.0.0.1")), listening);
    String warnings = client("log:display --level WARN");
    assertFalse(warnings, warnings.contains("listens on every interface"));
    String unexport = batch("config:delete net.vdpa.remote");
    assertFalse(unexport, unexport.toLowerCase().contains("error"));
    String uninstall = client("feature:uninstall -r vdpa-remote");
    assertFalse(uninstall, uninstall.toLowerCase().contains("error"));
  }

  /** Whether {@code bundle:list -s} shows every one of the symbolic names Active. */
  private static boolean allActive(String bundles, List<String> bsns) {
    return bsns.stream().allMatch(b -> bundles.lines().anyMatch(l -> (l + " ").contains(" " + b + " ") && l.contains("Active")));
  }

  private static boolean webconsoleActive(String bundles) {
    return bundles.lines().anyMatch(l -> l.contains("net.vdpa.webconsole") && l.contains("Active"));
  }

  @Test
  public void theWebConsoleFeatureBringsTheVdpaTab() throws Exception {
    // the features repository the KAR brought stays: feature:install is enough
    String install = client("feature:install -r vdpa");
    assertFalse(install, install.toLowerCase().contains("error"));
    // installed after the vdpa feature: the conditional bundle follows
    String web = client("feature:install -r http webconsole");
    assertFalse(web, web.toLowerCase().contains("error"));
    // the tab's bundle starts on Karaf's own thread after the command returned, so it is Active a
    // moment later (seen Resolved)
    String bundles = client("bundle:list -s -t 0");
    for (long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        !webconsoleActive(bundles) && System.nanoTime() < end; ) {
      bundles = client("bundle:list -s -t 0");
    }
    assertTrue(bundles, webconsoleActive(bundles));
    // with http, the feature's conditional Felix HC core runs the vdpa check from Karaf's shell
    // (its result is a string starting with dashes, which echo would take for options: printed
    // inside brackets)
    String exec = "x = (hc:exec vdpa) ; echo \"[$x]\"";
    String hc = batch(exec);
    for (long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        !hc.contains("Overall Health Result: OK") && System.nanoTime() < end; ) {
      hc = batch(exec);
    }
    assertTrue(hc, hc.contains("Overall Health Result: OK")
        && hc.lines().anyMatch(l -> l.startsWith("vdpa ") && l.contains(" OK ") && l.contains(" bound")));
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
    String uninstall = client("feature:uninstall -r vdpa");
    assertFalse(uninstall, uninstall.toLowerCase().contains("error"));
    assertFalse(client("bundle:list -s -t 0"), client("bundle:list -s -t 0").contains("net.vdpa."));
  }

  /**
   * A command's output without {@code dev add}'s progress lines (two spaces first): a device that
   * takes over a second to be created (Karaf still starting the feature's bundles) shows progress.
   */
  private static String withoutProgress(String out) {
    return String.join("\n", out.lines().filter(l -> !l.startsWith("  ")).toList());
  }
}
