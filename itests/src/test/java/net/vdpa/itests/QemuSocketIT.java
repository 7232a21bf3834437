package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.After;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A QEMU Linux guest (TCG) whose virtio-net NIC is QEMU's {@code -netdev dgram} (then
 * {@code -netdev stream}) joined to a port of the runtime, pings the runtime's echo responder
 * with the guest kernel's own ARP and ICMP, and gets every answer. The guest is what
 * {@code itests/guest/build-guest.sh} builds, booted with {@code vdpa.test=ping}.
 */
public class QemuSocketIT {
  private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");

  @Rule
  public TemporaryFolder dir = new TemporaryFolder();

  private final List<Process> started = new ArrayList<>();

  /** Where the guest was built: {@code -Dvdpa.guest.dir}, {@code $VDPA_GUEST_DIR}, or ~/.cache/vdpa-guest. */
  static Path guestDir() {
    String p = System.getProperty("vdpa.guest.dir", System.getenv("VDPA_GUEST_DIR"));
    return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "vdpa-guest");
  }

  /** Why the guest cannot run here, or null. */
  static String missing() throws IOException {
    if (!Files.isExecutable(QEMU)) {
      return QEMU + " is not installed (apt-get install qemu-system-x86)";
    }
    Path initrd = guestDir().resolve("initramfs.cpio.gz");
    if (!Files.isRegularFile(guestDir().resolve("vmlinuz")) || !Files.isRegularFile(initrd)) {
      return "no guest in " + guestDir() + " (build it: itests/guest/build-guest.sh)";
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(initrd))) {
      if (!new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains("vdpa.test=ping")) {
        return "the guest in " + guestDir() + " predates the ping test (rebuild it: itests/guest/build-guest.sh)";
      }
    }
    return null;
  }

  @BeforeClass
  public static void needQemu() throws IOException {
    String missing = missing();
    if (missing != null) {
      System.out.println("QEMU socket interop test skipped: " + missing);
    }
    Assume.assumeTrue(missing == null);
  }

  @After
  public void stop() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  public void aGuestOnNetdevDgramPingsTheEchoResponder() throws Exception {
    int ours = SocketWireIT.freePort();
    int guest = SocketWireIT.freePort();
    responder("vdpa:port udp vdpa0 local 127.0.0.1:" + ours + " remote 127.0.0.1:" + guest);
    String line = boot("dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=" + guest
        + ",remote.type=inet,remote.host=127.0.0.1,remote.port=" + ours);
    assertEquals("GUEST ping received 5 of 5", line);
  }

  @Test
  public void aGuestOnNetdevStreamPingsTheEchoResponder() throws Exception {
    int listen = SocketWireIT.freePort();
    responder("vdpa:port stream vdpa0 listen 127.0.0.1:" + listen);
    String line = boot("stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=" + listen);
    assertEquals("GUEST ping received 5 of 5", line);
  }

  /** A runtime answering 10.0.2.2 on vnet0 behind vdpa0 plugged into {@code wire}, until stopped. */
  private void responder(String wire) throws Exception {
    RuntimeProcess rt = new RuntimeProcess(dir.newFolder().toPath());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    started.add(rt.start(List.of(wire, "net:echo start vnet0 10.0.2.2", "vdpa:monitor"), lines));
    await(lines, "vnet0: answering 10.0.2.2", 90, "the runtime");
  }

  /** Boots the guest on {@code netdev} and returns its ping line. */
  private String boot(String netdev) throws Exception {
    Path d = guestDir();
    List<String> cmd = List.of(QEMU.toString(), "-M", "q35", "-m", "256M", "-smp", "1", "-display", "none",
        "-serial", "stdio", "-monitor", "none", "-no-reboot", "-kernel", d.resolve("vmlinuz").toString(),
        "-initrd", d.resolve("initramfs.cpio.gz").toString(), "-append", "console=ttyS0 panic=-1 quiet vdpa.test=ping",
        "-netdev", netdev, "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56");
    Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(qemu);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(qemu.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          lines.add(l);
        }
      } catch (IOException ended) {
        // QEMU is gone
      }
      lines.add(RuntimeProcess.EOF);
    }, "qemu-console");
    reader.setDaemon(true);
    reader.start();
    String ping = await(lines, "GUEST ping ", 300, "the guest");
    await(lines, "GUEST done", 30, "the guest");
    assertTrue("the guest powers off", qemu.waitFor(60, TimeUnit.SECONDS));
    return ping;
  }

  private static String await(BlockingQueue<String> lines, String prefix, long seconds, String who) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotEquals(who + " did not say '" + prefix + "' within " + seconds + " s: " + seen, null, l);
      assertNotEquals(who + " ended before saying '" + prefix + "': " + seen, RuntimeProcess.EOF, l);
      seen.add(l);
      if (l.startsWith(prefix)) {
        return l;
      }
    }
  }
}
