package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The runtime jar as a user runs it: {@code java -Dvdpa.script=FILE -jar runtime/target/vdpa-runtime.jar}
 * in a fresh directory, the shell's exact text, JSON and error lines, the exit status, and devices
 * that survive a restart. Each run is a real JVM.
 */
public class RuntimeIT {
  private static Path jar;

  @Rule
  public TemporaryFolder dir = new TemporaryFolder();

  /** What one run printed, and how it ended. */
  record Run(int status, List<String> out, List<String> err) {}

  /** {@code dev add}'s progress lines (two spaces, then a bus event or how long it has waited). */
  private static final java.util.regex.Pattern ADD_PROGRESS =
      java.util.regex.Pattern.compile("  waiting for the bus to create .*|  \\[device\\] .*");

  @BeforeClass
  public static void findJar() {
    jar = Path.of(System.getProperty("vdpa.runtime.jar", "../runtime/target/vdpa-runtime.jar"));
    assertTrue("runtime jar not built at " + jar.toAbsolutePath(), Files.isRegularFile(jar));
  }

  private Run run(boolean keepGoing, String... commands) throws IOException, InterruptedException {
    Path script = dir.getRoot().toPath().resolve("script.gosh");
    Files.write(script, List.of(commands));
    Path out = dir.getRoot().toPath().resolve("out.txt");
    Path err = dir.getRoot().toPath().resolve("err.txt");
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(java, "-Dvdpa.script=" + script, "-Dvdpa.script.keepgoing=" + keepGoing,
        "-jar", jar.toAbsolutePath().toString())
        .directory(dir.getRoot()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the runtime did not exit within 90 s; output: " + Files.readString(out));
    }
    // a dev add that waits (a loaded machine) prints progress between the results: not part of what is compared
    List<String> results = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
        .filter(l -> !ADD_PROGRESS.matcher(l).matches()).toList();
    return new Run(p.exitValue(), results, Files.readAllLines(err, StandardCharsets.UTF_8));
  }

  @Test
  public void aFreshRuntimeHasEveryBundleActiveAndVdpa0Bound() throws Exception {
    Run r = run(false, "lb -s net.vdpa", "vdpa:dev show", "vdpa:bus show", "net:show");
    assertEquals(r.err().toString(), 0, r.status());
    for (String bsn : new String[] {"net.vdpa.api", "net.vdpa.ring", "net.vdpa.bus", "net.vdpa.config", "net.vdpa.shell",
        "net.vdpa.device.simnet", "net.vdpa.driver.virtionet", "net.vdpa.driver.vhost", "net.vdpa.console"}) {
      assertTrue(bsn + " active in " + r.out(), r.out().stream().anyMatch(l -> l.contains("|Active") && l.contains(bsn + " (")));
    }
    assertTrue(r.out().toString(), r.out().contains("vdpa0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024"));
    assertTrue(r.out().toString(), r.out().contains("vdpa0: bound driver virtio_net autoprobe on"));
    assertTrue(r.out().toString(), r.out().stream().anyMatch(l -> l.startsWith("vnet0: device vdpa0 mac ") && l.endsWith(" mtu 1500 link up queue_pairs 1")));
  }

  @Test
  public void commandsPrintIproute2TextAndJson() throws Exception {
    Run r = run(false,
        "vdpa:mgmtdev show",
        "vdpa:dev add name foo mgmtdev vdpasim_net mac 02:11:22:33:44:55 mtu 9000 max_vqp 2",
        "vdpa:dev show foo",
        "vdpa:dev -j show foo",
        "vdpa:dev config show foo",
        "vdpa:dev -j config show foo",
        "vdpa:dev vstats show foo qidx 4",
        "net:traffic count 1000 vnet-foo",
        "vdpa:dev del foo",
        "vdpa:dev show");
    assertEquals(r.err().toString(), 0, r.status());
    List<String> o = r.out();
    assertEquals("vdpasim_blk:", o.get(0));
    assertEquals("  supported_classes block", o.get(1));
    assertTrue(o.get(3), o.get(3).startsWith("  dev_features SIZE_MAX SEG_MAX RO BLK_SIZE FLUSH"));
    assertEquals("vdpasim_net:", o.get(4));
    assertEquals("  supported_classes net", o.get(5));
    assertTrue(o.get(7), o.get(7).startsWith("  dev_features MTU MAC MRG_RXBUF STATUS CTRL_VQ"));
    assertFalse("dev add prints nothing, as iproute2's does: " + o, o.stream().anyMatch(l -> l.startsWith("foo: bound")));
    assertTrue(o.toString(), o.contains("foo: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 5 max_vq_size 1024"));
    assertTrue(o.toString(), o.contains("{\"dev\":{\"foo\":{\"type\":\"network\",\"mgmtdev\":\"vdpasim_net\",\"vendor_id\":0,\"max_vqs\":5,\"max_vq_size\":1024}}}"));
    assertTrue(o.toString(), o.contains("foo: mac 02:11:22:33:44:55 link up link_announce false max_vq_pairs 2 mtu 9000"));
    assertTrue(o.toString(), o.contains("{\"config\":{\"foo\":{\"mac\":\"02:11:22:33:44:55\",\"link\":\"up\",\"link_announce\":false,"
        + "\"max_vq_pairs\":2,\"mtu\":9000,\"negotiated_features\":[\"MTU\",\"MAC\",\"MRG_RXBUF\",\"STATUS\",\"CTRL_VQ\",\"CTRL_RX\","
        + "\"MQ\",\"CTRL_MAC_ADDR\",\"INDIRECT_DESC\",\"EVENT_IDX\",\"VERSION_1\",\"ACCESS_PLATFORM\"]}}}"));
    assertTrue(o.toString(), o.stream().anyMatch(l -> l.startsWith("foo: queue_type control_vq received_desc ")));
    assertTrue(o.toString(), o.stream().anyMatch(l -> l.startsWith("vnet-foo -> vnet-foo: sent 1000 received 1000 lost 0 size 64 in ")));
    assertTrue(o.toString(), o.contains("foo: deleted"));
    assertEquals("vdpa0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024", o.get(o.size() - 1));
  }

  /**
   * Errors under -j as iproute2 prints them: a failed show still closes its JSON section on standard
   * output ({"dev":{}}), the error is one text line on standard error; a command-line error prints no
   * JSON. net:stats takes -j (it used to fail with Gogo's argument coercion error).
   */
  @Test
  public void errorsUnderJsonAreIproute2sAndNetStatsTakesJson() throws Exception {
    Run r = run(true,
        "vdpa -j dev show nope",
        "vdpa -jp mgmtdev show nosuch",
        "vdpa:dev -j vstats show vdpa0",
        "devlink -j port show pci/0000:03:00.0/99",
        "net:stats -j vnet0",
        "net:stats -j nope");
    assertEquals(r.err().toString(), 1, r.status());
    assertEquals(List.of(
        "{\"dev\":{}}",
        "{",
        "    \"mgmtdev\": {}",
        "}",
        "{\"port\":{}}"), r.out().subList(0, 5));
    assertTrue(r.out().toString(), r.out().get(5).matches("\\{\"stats\":\\{\"vnet0\":\\{\"rx_packets\":\\d+,.*"
        + "\"queue_pairs\":\\[\\{\"queue_pair\":0,.*\\}\\]\\}\\}\\}"));
    assertEquals("{\"stats\":{}}", r.out().get(6));
    assertEquals(7, r.out().size());
    List<String> e = r.err();
    assertTrue(e.toString(), e.get(0).endsWith(": vdpa -j dev show nope: unknown device 'nope'"));
    assertTrue(e.toString(), e.get(1).contains(": vdpa -jp mgmtdev show nosuch: unknown management device 'nosuch'"));
    assertTrue(e.toString(), e.get(2).endsWith(": vdpa:dev -j vstats show vdpa0: queue index is not set: vstats show vdpa0 qidx N"));
    assertTrue(e.toString(), e.get(3).endsWith("there is no port pci/0000:03:00.0/99"));
    assertTrue(e.toString(), e.get(4).contains(": net:stats -j nope: unknown interface 'nope'"));
  }

  /** Gogo's help vdpa lists each subcommand with what it does; vdpa -V names the version. */
  @Test
  public void helpVdpaListsEverySubcommandAndDashVNamesTheVersion() throws Exception {
    Run r = run(false, "help vdpa", "vdpa -V");
    assertEquals(r.err().toString(), 0, r.status());
    List<String> o = r.out();
    assertTrue(o.toString(), o.get(0).startsWith("vdpa - iproute2's vdpa, typed as in Linux"));
    assertTrue(o.toString(), o.contains("   vdpa dev add name NAME mgmtdev MGMTDEV   create a device (kept across restarts; mac, mtu, max_vqp...)"));
    assertTrue(o.toString(), o.contains("   vdpa monitor [ COUNT ]                   print bus events as they happen"));
    assertTrue(o.toString(), o.stream().anyMatch(l -> l.matches("vdpa utility, vDPA-OSGi \\d+\\.\\d+\\.\\d+.*")));
  }

  /**
   * The runtime runs the vdpa health check through Felix HC (hc:exec by name) and the Web Console
   * uses Felix HC's plugin (its Health Check tab); the script itself ran because the check said ready.
   */
  @Test
  public void theVdpaHealthCheckRunsInTheRuntimeAndItsWebConsoleTabIsThere() throws Exception {
    Run r = run(false, "hc:exec vdpa", "inspect capability service org.apache.felix.healthcheck.webconsoleplugin");
    assertEquals(r.err().toString(), 0, r.status());
    List<String> o = r.out();
    assertTrue(o.toString(), o.stream().anyMatch(l -> l.contains("Overall Health Result: OK")));
    assertTrue(o.toString(), o.stream().anyMatch(l -> l.matches("vdpa +OK +\\[.*\\] +1 devices on the bus, 1 bound, 1 kept")));
    assertTrue(o.toString(), o.contains("   felix.webconsole.label = healthcheck"));
    int usedBy = o.indexOf("   Used by:");
    // Felix prints "org.apache.felix.webconsole [36]", Equinox "org.apache.felix.webconsole_5.0.8 [36]"
    assertTrue(o.toString(), usedBy > 0 && o.get(usedBy + 1).matches(" +org\\.apache\\.felix\\.webconsole(_[0-9.]+)? \\[\\d+\\]"));
  }

  @Test
  public void busControlAndSetPrintWhatHappened() throws Exception {
    Run r = run(false,
        "vdpa:dev unbind vdpa0",
        "vdpa:bus show",
        "vdpa:dev bind vdpa0 virtio_net",
        "vdpa:dev override vdpa0 vhost_vdpa",
        "vdpa:dev override vdpa0 none",
        "vdpa:dev unbind vdpa0",
        "vdpa:bus autoprobe off",
        "vdpa:dev autoprobe vdpa0 off",
        "vdpa:bus -j show",
        "vdpa:bus autoprobe on",
        "vdpa:dev bind vdpa0 virtio_net",
        "vdpa:dev set name vdpa0 mac 02:00:00:00:aa:01",
        "vdpa:dev config show vdpa0",
        "net:show");
    assertEquals(r.err().toString(), 0, r.status());
    assertEquals(List.of(
        "vdpa0: unbound",
        "autoprobe on",
        "vdpa0: unbound autoprobe on",
        "  reason unbound by request",
        "vdpa0: bound to virtio_net",
        "vdpa0: driver_override vhost_vdpa, bound to vhost_vdpa",
        "vdpa0: driver_override none, bound to vhost_vdpa",
        "vdpa0: unbound",
        "autoprobe off",
        "vdpa0: autoprobe off",
        "{\"bus\":{\"autoprobe\":false,\"dev\":{\"vdpa0\":{\"state\":\"unbound\",\"driver\":null,\"driver_override\":null,"
            + "\"autoprobe\":false,\"reason\":\"unbound by request\"}}}}",
        "autoprobe on",
        "vdpa0: bound to virtio_net",
        "vdpa0: mac 02:00:00:00:aa:01"), r.out().subList(0, 14));
    assertTrue(r.out().toString(), r.out().get(14).startsWith("vdpa0: mac 02:00:00:00:aa:01 link up "));
    assertTrue(r.out().toString(), r.out().stream().anyMatch(l -> l.equals("vnet0: device vdpa0 mac 02:00:00:00:aa:01 mtu 1500 link up queue_pairs 1")));
  }

  @Test
  public void errorsAreOneLineNamingTheValueAndTheStatusIsOne() throws Exception {
    Run r = run(true,
        "vdpa:dev add name vdpa0 mgmtdev vdpasim_net",
        "vdpa:dev add name x mgmtdev nosuch",
        "vdpa:dev add name x mgmtdev vdpasim_net mtu 40",
        "vdpa:dev add name x mgmtdev vdpasim_net max_vqp 0",
        "vdpa:dev add name x mgmtdev vdpasim_net mac 00:11:22",
        "vdpa:dev add mgmtdev vdpasim_net",
        "vdpa:dev add name x",
        "vdpa:dev show nope",
        "vdpa:dev bind vdpa0 virtio_net",
        "vdpa:dev vstats show vdpa0 qidx 9",
        "net:stats vnet7",
        "net:traffic burst 0 vnet0");
    assertEquals(1, r.status());
    List<String> e = r.err();
    String[] expected = {
        "device vdpa0 already exists",
        "unknown management device 'nosuch' (known: vdpasim_blk, vdpasim_net)",
        "mtu 40 is below 68",
        "max_vqp 0: at least one pair of VQs is required",
        "malformed mac address '00:11:22': expected six hex octets like 00:11:22:33:44:55",
        "device name is not set.",
        "management device handle not set.",
        "unknown device 'nope'",
        "device vdpa0 is already bound to driver virtio_net",
        "qidx 9 is out of range: device vdpa0 has queues 0 to 2",
        "unknown interface 'vnet7' (interfaces: vnet0)",
        "burst 0 is outside 1..256"};
    assertEquals(e.toString(), expected.length, e.size());
    for (int i = 0; i < expected.length; i++) {
      assertTrue(e.get(i), e.get(i).contains("script.gosh:" + (i + 1) + ": "));
      assertTrue(e.get(i), e.get(i).endsWith(": " + expected[i]));
    }
    assertFalse("no stack trace", r.out().stream().anyMatch(l -> l.trim().startsWith("at ")));
  }

  @Test
  public void devicesAndOverridesSurviveARestart() throws Exception {
    Run first = run(false,
        "vdpa:dev add name keep mgmtdev vdpasim_net mac 02:aa:bb:cc:dd:ee mtu 4000",
        "vdpa:dev override keep vhost_vdpa",
        "vdpa:dev del vdpa0");
    assertEquals(first.err().toString(), 0, first.status());
    Run second = run(false, "vdpa:dev show", "vdpa:bus show", "vdpa:dev config show keep");
    assertEquals(second.err().toString(), 0, second.status());
    assertEquals(List.of(
        "keep: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024",
        "autoprobe on",
        // the kept override applies before any driver sees the device: vhost takes it, not virtio_net
        "keep: bound driver vhost_vdpa driver_override vhost_vdpa autoprobe on",
        "keep: mac 02:aa:bb:cc:dd:ee link up link_announce false max_vq_pairs 1 mtu 4000"), second.out());
    Run third = run(false, "vdpa:dev override keep none", "vdpa:dev del keep");
    assertEquals(third.err().toString(), 0, third.status());
    Run fourth = run(false, "vdpa:dev show");
    assertEquals(0, fourth.status());
    assertEquals("deleted devices stay deleted, the default too", List.of(""), fourth.out().isEmpty() ? List.of("") : fourth.out());
  }

  @Test
  public void wiresLinkStateAndInterfaceNamesSurviveARestart() throws Exception {
    String pcap = dir.getRoot().toPath().resolve("vdpa0.pcap").toAbsolutePath().normalize().toString();
    Run first = run(false,
        "vdpa:dev add name left mgmtdev vdpasim_net",
        "vdpa:dev add name right mgmtdev vdpasim_net",
        "vdpa:port cable left right",
        "vdpa:port capture vdpa0 vdpa0.pcap",
        "net:traffic count 10000 vnet-left vnet-right",
        "net:stats vnet-left",
        "vdpa:port link right down",
        "net:traffic count 100 vnet-left vnet-right",
        "net:stats vnet-left");
    assertEquals(first.err().toString(), 0, first.status());
    List<String> o = first.out();
    assertEquals(o.toString(), List.of("left: wire cable peer right link up", "right: wire cable peer left link up",
        "vdpa0: wire capture file " + pcap + " link up"), o.subList(0, 3));
    assertTrue(o.get(3), o.get(3).startsWith("vnet-left -> vnet-right: sent 10000 received 10000 lost 0 size 64 in "));
    assertTrue(o.get(4), o.get(4).startsWith("vnet-left: rx_packets 0 rx_bytes 0 rx_dropped 0 tx_packets 10000 tx_bytes 640000 tx_dropped 0 "));
    assertEquals("right: wire cable peer left link down", o.get(6));
    assertTrue(o.get(7), o.get(7).startsWith("vnet-left -> vnet-right: sent 100 received 0 lost 100 size 64 in "));
    // what the cable could not carry is the sender's drop, at the interface
    assertTrue(o.get(8), o.get(8).startsWith("vnet-left: rx_packets 0 rx_bytes 0 rx_dropped 0 tx_packets 10100 tx_bytes 646400 tx_dropped 100 "));

    Run second = run(true,
        "vdpa:port show",
        "net:show",
        "vdpa:port link right up",
        "net:traffic count 1000 vnet-left vnet-right",
        "vdpa:dev unbind left",
        "vdpa:dev bind left virtio_net",
        "net:show",
        "vdpa:port cable left nope",
        "vdpa:port link left sideways",
        "vdpa:port capture vdpa0 /no/such/dir/x.pcap");
    assertEquals(second.err().toString(), 1, second.status());
    List<String> t = second.out();
    // the default SmartNIC adapter's uplink is a port too, unplugged (not kept across restarts)
    assertEquals(t.toString(), List.of(
        "enp3s0f0np0: wire none link up (no carrier)",
        "left: wire cable peer right link up",
        "right: wire cable peer left link down",
        "vdpa0: wire capture file " + pcap + " link up"), t.subList(0, 4));
    assertTrue(t.toString(), t.get(4).startsWith("vnet-left: device left mac 02:ad:a2:04:1c:b0 mtu 1500 link up"));
    assertTrue(t.toString(), t.get(5).startsWith("vnet-right: device right mac 02:53:57:14:d8:05 mtu 1500 link down"));
    assertTrue(t.toString(), t.get(6).startsWith("vnet0: device vdpa0 "));
    assertEquals("right: wire cable peer left link up", t.get(7));
    assertTrue(t.get(8), t.get(8).startsWith("vnet-left -> vnet-right: sent 1000 received 1000 lost 0 size 64 in "));
    assertEquals(List.of("left: unbound", "left: bound to virtio_net"), t.subList(9, 11));
    assertTrue(t.toString(), t.get(11).startsWith("vnet-left: device left "));
    List<String> e = second.err();
    assertEquals(e.toString(), 3, e.size());
    assertTrue(e.get(0), e.get(0).endsWith(": there is no port named 'nope'"));
    assertTrue(e.get(1), e.get(1).endsWith(": link state 'sideways' is not up or down"));
    assertTrue(e.get(2), e.get(2).endsWith(": cannot write capture file /no/such/dir/x.pcap: no such directory"));
  }
}
