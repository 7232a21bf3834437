package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Hot-plug as users do it, across restarts of the runtime jar: install, update and uninstall from
 * the shell never break the next start; kept devices live in {@code vdpa-state}, outside the
 * framework cache, survive deleting the cache, and a kept configuration that cannot be read is
 * reported and set aside. Each run is a real JVM in the same directory.
 */
public class HotPlugIT {
  private static final String VIRTIONET = "net.vdpa.driver.virtionet";
  private static final String VHOST = "net.vdpa.driver.vhost";

  @Rule
  public TemporaryFolder tmp = new TemporaryFolder();

  private RuntimeProcess runtime;

  @Before
  public void setUp() {
    runtime = new RuntimeProcess(tmp.getRoot().toPath());
  }

  @Test
  public void aDriverInstalledFromAFileSurvivesTheRestartWithoutClashingAndDevicesAreKept() throws Exception {
    long id = runtime.bundleId(VIRTIONET);
    String file = RuntimeProcess.bundleUrl("vdpa.bundle.virtionet");
    RuntimeProcess.Run first = runtime.run("vdpa:dev add name keep mgmtdev vdpasim_net", "uninstall " + id, "install " + file);
    assertEquals(first.all(), 0, first.status());

    RuntimeProcess.Run second = runtime.run("lb -l " + VIRTIONET, "vdpa:dev show");
    assertEquals(second.all(), 0, second.status());
    List<String> drivers = second.out().stream().filter(l -> l.contains("|Active ") || l.contains("|Installed ")).toList();
    assertEquals("one virtio_net, the one installed from the file: " + second.all(), 1,
        drivers.stream().filter(l -> l.contains("driver.virtionet")).count());
    assertTrue(second.all(), drivers.get(0).contains("|Active ") && drivers.get(0).contains("|" + file + "|"));
    assertTrue(second.all(), second.out().contains("keep: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024"));
    assertTrue(second.all(), second.out().contains("vdpa0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024"));
    assertEquals("which copy wins is said in one line", List.of(VIRTIONET + " is the one installed from " + file + " (bundle "),
        second.err().stream().map(l -> l.substring(0, l.indexOf("(bundle ") + "(bundle ".length()).replace("vdpa-runtime: ", "")).toList());
  }

  @Test
  public void updateFromTheShellReadsTheRuntimeJarAgainWithoutAStackTraceAndSurvivesARestart() throws Exception {
    long id = runtime.bundleId(VHOST);
    String modified = "(($.context bundle " + id + ") lastModified)";
    RuntimeProcess.Run r = runtime.run(modified, "update " + id, modified, "lb -s " + VHOST);
    assertEquals(r.all(), 0, r.status());
    assertTrue(r.all(), r.err().isEmpty());
    assertNotEquals("the bundle was updated: " + r.all(), r.out().get(0), r.out().get(1));
    assertTrue(r.all(), r.out().stream().anyMatch(l -> l.contains("|Active ") && l.contains(VHOST + " (")));

    RuntimeProcess.Run again = runtime.run("update " + id + " " + RuntimeProcess.bundleUrl("vdpa.bundle.vhost"), "lb -s " + VHOST);
    assertEquals(again.all(), 0, again.status());
    RuntimeProcess.Run restarted = runtime.run("lb -s " + VHOST, "vdpa:bus show");
    assertEquals(restarted.all(), 0, restarted.status());
    assertTrue(restarted.all(), restarted.err().isEmpty());
    assertTrue(restarted.all(), restarted.out().stream().anyMatch(l -> l.startsWith(String.format("%5d|Active ", id)) && l.contains(VHOST)));
  }

  @Test
  public void deletingTheCacheKeepsEveryDevice() throws Exception {
    RuntimeProcess.Run first = runtime.run("vdpa:dev add name kept mgmtdev vdpasim_net mac 02:aa:bb:cc:dd:01");
    assertEquals(first.all(), 0, first.status());
    RuntimeProcess.deleteTree(runtime.cacheDir());
    RuntimeProcess.Run second = runtime.run("vdpa:dev show", "vdpa:dev config show kept");
    assertEquals(second.all(), 0, second.status());
    assertEquals(second.all(), List.of(
        "kept: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024",
        "vdpa0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024"), second.out().subList(0, 2).stream().sorted().toList());
    assertTrue(second.all(), second.out().get(2).startsWith("kept: mac 02:aa:bb:cc:dd:01 "));
  }

  @Test
  public void unreadableKeptConfigurationIsReportedAndMovedAsideAndTheOthersAreKept() throws Exception {
    RuntimeProcess.Run first = runtime.run("vdpa:dev add name a mgmtdev vdpasim_net", "vdpa:dev add name b mgmtdev vdpasim_net",
        "vdpa:dev add name c mgmtdev vdpasim_net", "vdpa:dev add name good mgmtdev vdpasim_net");
    assertEquals(first.all(), 0, first.status());
    Path truncated = keptFile("a");
    Path garbage = keptFile("b");
    Path nameless = keptFile("c");
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(truncated), 60));
    Files.write(garbage, new byte[] {0x00, (byte) 0xff, 0x12, '=', '"', 0x7f, '\n', 0x01});
    Files.write(nameless, Files.readAllLines(nameless).stream().filter(l -> !l.startsWith("name=")).toList());

    RuntimeProcess.Run second = runtime.run("vdpa:dev show", "log warn");
    assertEquals(second.all(), 0, second.status());
    assertEquals(second.all(), List.of(
        "good: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024",
        "vdpa0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024"), second.out().subList(0, 2).stream().sorted().toList());
    for (Path p : List.of(truncated, garbage, nameless)) {
      assertFalse(p + " moved away", Files.exists(p));
      assertTrue(p + ".bad kept for the user", Files.exists(p.resolveSibling(p.getFileName() + ".bad")));
      assertEquals("one log line names " + p + ": " + second.all(), 1,
          second.out().stream().filter(l -> l.contains("kept configuration " + p + " ")).count());
    }
    assertFalse("no stack trace in the log: " + second.all(), second.out().stream().anyMatch(l -> l.trim().startsWith("at ") || l.contains("Exception")));

    RuntimeProcess.Run third = runtime.run("log warn");
    assertFalse("reported once, not at every start: " + third.all(), third.out().stream().anyMatch(l -> l.contains("kept configuration")));
  }

  @Test
  public void aDeletedDefaultDeviceStaysDeletedWhenTheDefaultsMarkerIsGarbage() throws Exception {
    RuntimeProcess.Run first = runtime.run("vdpa:dev del vdpa0");
    assertEquals(first.all(), 0, first.status());
    Path marker = runtime.dir().resolve("vdpa-state/config/net/vdpa/defaults.config");
    assertTrue(marker + " exists", Files.isRegularFile(marker));
    Files.write(marker, new byte[] {'s', 'e', 'e', 'd', 0x00, (byte) 0xfe});
    RuntimeProcess.Run second = runtime.run("vdpa:dev show");
    assertEquals(second.all(), 0, second.status());
    assertFalse(second.all(), second.out().stream().anyMatch(l -> l.startsWith("vdpa0:")));
    RuntimeProcess.Run third = runtime.run("vdpa:dev show");
    assertFalse(third.all(), third.out().stream().anyMatch(l -> l.startsWith("vdpa0:")));
  }

  @Test
  public void logInfoShowsTheProjectsEvents() throws Exception {
    RuntimeProcess.Run r = runtime.run("log info");
    assertEquals(r.all(), 0, r.status());
    assertTrue(r.all(), r.out().stream().anyMatch(l -> l.contains("INFO - Bundle: net.vdpa.bus - device vdpa0 bound to driver virtio_net")));
    assertTrue(r.all(), r.out().stream().anyMatch(l -> l.contains("INFO - Bundle: net.vdpa.driver.virtionet - interface vnet0 up on device vdpa0")));
    assertTrue("quiet on the console: " + r.all(), r.err().isEmpty());
  }

  @Test
  public void scriptModeStartsNoInteractiveShell() throws Exception {
    RuntimeProcess.Run r = runtime.run("lb -s org.apache.felix.gogo.jline", "vdpa:bus show");
    assertEquals(r.all(), 0, r.status());
    assertTrue(r.all(), r.out().stream().anyMatch(l -> l.contains("|Installed ") && l.contains("org.apache.felix.gogo.jline (")));
    assertFalse(r.all(), r.out().stream().anyMatch(l -> l.contains("Welcome to Apache Felix Gogo")));
    assertTrue(r.all(), r.err().isEmpty());
  }

  @Test
  public void scriptsStartOnceKeptDevicesAreBoundAndAKeptDeviceWithoutItsManagementDeviceDoesNotHoldThem() throws Exception {
    Path ghost = runtime.dir().resolve("vdpa-state/config/net/vdpa/device/ghost.config");
    Files.createDirectories(ghost.getParent());
    Files.write(ghost, List.of("mgmtdev=\"nosuch\"", "mgmtdev.target=\"(vdpa.mgmtdev.handle\\=nosuch)\"", "name=\"ghost\"",
        "service.factoryPid=\"net.vdpa.device\"", "service.pid=\"net.vdpa.device.ghost\""));
    RuntimeProcess.Run first = runtime.run("vdpa:dev add name k1 mgmtdev vdpasim_net", "vdpa:dev add name k2 mgmtdev vdpasim_net",
        "vdpa:dev override k2 vhost_vdpa");
    assertEquals(first.all(), 0, first.status());
    // the first command sees every kept device created and bound: nothing is still settling
    RuntimeProcess.Run second = runtime.run("vdpa:bus show");
    assertEquals(second.all(), 0, second.status());
    assertEquals(second.all(), List.of("autoprobe on", "k1: bound driver virtio_net autoprobe on",
        "k2: bound driver vhost_vdpa driver_override vhost_vdpa autoprobe on", "vdpa0: bound driver virtio_net autoprobe on"),
        second.out().stream().sorted().toList());
  }

  private Path keptFile(String name) throws Exception {
    try (Stream<Path> s = Files.walk(runtime.dir().resolve("vdpa-state/config/net/vdpa/device"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (Files.readAllLines(p).contains("name=\"" + name + "\"")) {
          return p;
        }
      }
    }
    throw new AssertionError("no kept configuration for " + name);
  }
}
