package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Two runtime processes managed as one through OSGi Remote Services (Aries RSA's TCP provider,
 * static discovery): runtime A creates a device on B and lists it with host B; B dies and A's
 * listing leaves it out within the stated timeout, naming B's endpoint; a runtime that accepts
 * and never answers (a partition) costs a command no more than the timeout; B restarts with the
 * same state and its device is back in A's listing; B's export listens on 127.0.0.1 only, the
 * address it advertises; one command on A joins a port of A and the
 * device on B with a UDP cable, and A pings B's echo responder through it.
 */
public class RemoteRuntimesIT {
  private static final String NET = " type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024";
  private static final long TIMEOUT_MS = 3000;

  @Rule
  public TemporaryFolder dir = new TemporaryFolder();

  private final List<Process> started = new ArrayList<>();

  @After
  public void killRuntimes() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  public void aDeviceCreatedOnAnotherRuntimeLeavesTheListingWhenItDiesAndComesBackWithIt() throws Exception {
    int portB = freePort();
    String endpointB = "tcp://127.0.0.1:" + portB;
    RuntimeProcess b = new RuntimeProcess(dir.newFolder("b").toPath());
    RuntimeProcess a = new RuntimeProcess(dir.newFolder("a").toPath());
    List<String> optsB = List.of("-Dvdpa.remote.export=true", "-Dvdpa.remote.host=B", "-Dvdpa.remote.port=" + portB,
        "-Dorg.osgi.service.http.port=0");
    List<String> optsA = List.of("-Dvdpa.remote.host=A", "-Dvdpa.remote.peers=" + endpointB, "-Dorg.osgi.service.http.port=0");

    Process runningB = startExporting(b, List.of("vdpa:monitor"), optsB, portB);
    assertListensOnLoopbackOnly(portB);
    RuntimeProcess.Run created = a.run(List.of("vdpa:dev add name r0 mgmtdev vdpasim_net host B", "vdpa:dev show"), optsA);
    assertEquals(created.all(), 0, created.status());
    assertEquals(created.all(), List.of("r0: created on host B", "vdpa0:" + NET + " host A", "r0:" + NET + " host B",
        "vdpa0:" + NET + " host B"), created.out());

    runningB.destroyForcibly();
    assertTrue("B was killed", runningB.waitFor(30, TimeUnit.SECONDS));
    try (SilentRuntime silent = new SilentRuntime()) {
      List<String> optsAWithSilent = List.of("-Dvdpa.remote.host=A", "-Dvdpa.remote.peers=" + endpointB + "," + silent.endpoint(),
          "-Dorg.osgi.service.http.port=0");
      RuntimeProcess.Run gone = a.run(List.of("vdpa:dev show"), optsAWithSilent);
      assertEquals(gone.all(), 0, gone.status());
      assertEquals(gone.all(), "vdpa0:" + NET + " host A", gone.out().get(0));
      assertFalse(gone.all(), gone.out().stream().anyMatch(l -> l.endsWith(" host B")));
      assertTrue(gone.all(), gone.out().contains("runtime " + endpointB + " did not answer: Connection refused"));
      assertTrue(gone.all(), gone.out().stream().anyMatch(l -> l.startsWith("runtime " + silent.endpoint() + " did not answer")));
      assertTrue("the silent runtime was asked", silent.accepted() > 0);
    }
    RuntimeProcess.Run refused = a.run(List.of("vdpa:dev add name r1 mgmtdev vdpasim_net host B"), optsA);
    assertNotEquals(refused.all(), 0, refused.status());
    assertTrue(refused.all(), String.join("\n", refused.err()).contains("no runtime named B answered within " + TIMEOUT_MS
        + " ms (runtime " + endpointB + " did not answer: Connection refused)"));

    startExporting(b, List.of("net:echo start vnet-r0 10.0.0.2", "vdpa:monitor"), optsB, portB);
    assertListensOnLoopbackOnly(portB);
    RuntimeProcess.Run back = a.run(List.of("vdpa:dev show r0"), optsA);
    assertEquals(back.all(), 0, back.status());
    assertEquals(back.all(), List.of("r0:" + NET + " host B"), back.out());

    // A's monitor follows B: B's bus events reach it with B's host, a device made there by another runtime's command
    BlockingQueue<String> watched = new LinkedBlockingQueue<>();
    List<String> seen = new ArrayList<>();
    started.add(new RuntimeProcess(dir.newFolder("a-monitor").toPath()).start(List.of("vdpa:monitor"), optsA, watched));
    RuntimeProcess.awaitLine(watched, seen, ("[runtime] UP B endpoint " + endpointB)::equals, 60_000);
    RuntimeProcess.Run made = a.run(List.of("vdpa:dev add name r2 mgmtdev vdpasim_net host B", "vdpa:dev del r2 host B"), optsA);
    assertEquals(made.all(), 0, made.status());
    RuntimeProcess.awaitLine(watched, seen, "[device] ADDED r2 host B"::equals, 30_000);
    RuntimeProcess.awaitLine(watched, seen, "[device] BOUND r2 driver virtio_net host B"::equals, 30_000);
    RuntimeProcess.awaitLine(watched, seen, "[device] REMOVED r2 host B"::equals, 30_000);

    // B's bus operations and management devices from A (on a device of their own: r0's echo responder stays)
    RuntimeProcess.Run ops = a.run(List.of("vdpa:mgmtdev show vdpasim_net host B", "vdpa:dev add name r3 mgmtdev vdpasim_net host B",
        "vdpa:dev unbind r3 host B", "vdpa:dev bind r3 virtio_net host B", "vdpa:dev autoprobe r3 off host B",
        "vdpa:dev autoprobe r3 on host B", "vdpa:dev override r3 none host B", "vdpa:bus show host B", "vdpa:dev del r3 host B"),
        optsA);
    assertEquals(ops.all(), 0, ops.status());
    assertEquals(ops.all(), "vdpasim_net:", ops.out().get(0));
    assertTrue(ops.all(), ops.out().containsAll(List.of("r3: unbound", "r3: bound to virtio_net", "r3: autoprobe off",
        "r3: autoprobe on", "r3: driver_override none, bound to virtio_net",
        "r3: bound driver virtio_net placed_by bind autoprobe on")));
    RuntimeProcess.Run wrong = a.run(List.of("vdpa:mgmtdev show nope host B"), optsA);
    assertNotEquals(wrong.all(), 0, wrong.status());
    assertTrue(wrong.all(), String.join("\n", wrong.err()).contains("unknown management device 'nope' on host B"));

    int udpA = freePort();
    int udpB = freePort();
    RuntimeProcess.Run cabled = a.run(List.of("vdpa:dev add name h1 mgmtdev vdpasim_net",
        "vdpa:cable udp A/h1 127.0.0.1:" + udpA + " B/r0 127.0.0.1:" + udpB, "net:ping count 2 vnet-h1 10.0.0.2"), optsA);
    assertEquals(cabled.all(), 0, cabled.status());
    assertTrue(cabled.all(), cabled.out().contains("A/h1: wire udp local 127.0.0.1:" + udpA + " remote 127.0.0.1:" + udpB));
    assertTrue(cabled.all(), cabled.out().contains("B/r0: wire udp local 127.0.0.1:" + udpB + " remote 127.0.0.1:" + udpA));
    assertTrue(cabled.all(), cabled.out().contains("2 packets transmitted, 2 received, 0% packet loss"));

    RuntimeProcess.Run half = a.run(List.of("vdpa:cable udp A/h1 127.0.0.1:" + udpA + " B/nope 127.0.0.1:" + udpB), optsA);
    assertNotEquals(half.all(), 0, half.status());
    assertTrue(half.all(), String.join("\n", half.err()).contains("unknown port 'nope' on host B"));
    RuntimeProcess.Run undone = a.run(List.of("vdpa:port show h1"), optsA);
    assertEquals("the first end went back to loopback: " + undone.all(), "h1: wire loopback link up", undone.out().get(0));
  }

  /** Starts a runtime that exports, and waits until its endpoint accepts connections. */
  private Process startExporting(RuntimeProcess rt, List<String> script, List<String> opts, int port) throws Exception {
    Process p = rt.start(script, opts, new LinkedBlockingQueue<>());
    started.add(p);
    awaitPort(p, port);
    return p;
  }

  /**
   * The export listens where it advertises, the default address 127.0.0.1, and on no other
   * interface (Aries RSA 1.14's TCP server alone listens on every one: the remote bundle's weaving
   * hook binds it).
   */
  static void assertListensOnLoopbackOnly(int port) throws IOException {
    assertEquals("listeners on port " + port, List.of(InetAddress.getByName("127.0.0.1")), ListeningSockets.on(port));
  }

  /** Waits (60 s at most) until the process accepts connections on the loopback port. */
  static void awaitPort(Process p, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        assertTrue("the process listened on port " + port + " within 60 s", System.nanoTime() < deadline && p.isAlive());
        Thread.sleep(100);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A peer that accepts connections and never answers: what a partitioned runtime looks like. */
  private static final class SilentRuntime implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> held = new ArrayList<>();
    private final Thread acceptor = new Thread(this::accept, "silent-runtime");

    SilentRuntime() throws IOException {
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String endpoint() {
      return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    synchronized int accepted() {
      return held.size();
    }

    private void accept() {
      try {
        while (true) {
          Socket s = server.accept();
          synchronized (this) {
            held.add(s);
          }
        }
      } catch (IOException closed) {
        // close() ends the loop
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (this) {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }
}
