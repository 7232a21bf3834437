package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Two runtime processes and a ZooKeeper server (3.8, from its own jars, in a third process) managed
 * as one through OSGi Remote Services with Aries RSA's ZooKeeper discovery: runtime A creates a
 * device on B and lists it with host B; B is killed and A's view (its {@code vdpa:monitor}) drops
 * B within the ZooKeeper session timeout; B restarts, A sees it come back, and a fresh run of A
 * lists B's device again (kept in B's state) and shows B's bus (its DTO snapshot).
 */
public class ZooKeeperRuntimesIT {
  private static final String NET = " type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024";
  /** The session timeout the runtimes ask for; the server's tick (500 ms) lets it through unclamped. */
  private static final long SESSION_MS = 4000;
  /** What the session timeout may be exceeded by: the server's expiry runs once a tick, then the watch travels. */
  private static final long SLACK_MS = 2000;

  @Rule
  public TemporaryFolder dir = new TemporaryFolder();

  private final List<Process> started = new ArrayList<>();

  @After
  public void killProcesses() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  public void aRuntimeThatDiesLeavesTheOthersViewWithinTheSessionTimeoutAndComesBack() throws Exception {
    int zkPort = RemoteRuntimesIT.freePort();
    startZooKeeper(dir.newFolder("zk").toPath(), zkPort);
    int portB = RemoteRuntimesIT.freePort();
    String zk = "-Dvdpa.remote.zookeeper=127.0.0.1:" + zkPort;
    String session = "-Dvdpa.remote.zookeeper.timeout=" + SESSION_MS;
    List<String> optsB = List.of("-Dvdpa.remote.export=true", "-Dvdpa.remote.host=B", "-Dvdpa.remote.port=" + portB, zk,
        session, "-Dorg.osgi.service.http.port=0");
    List<String> optsA = List.of("-Dvdpa.remote.host=A", zk, session, "-Dvdpa.remote.timeout=10000",
        "-Dorg.osgi.service.http.port=0");
    RuntimeProcess b = new RuntimeProcess(dir.newFolder("b").toPath());
    RuntimeProcess a = new RuntimeProcess(dir.newFolder("a").toPath());

    Process runningB = b.start(List.of("vdpa:monitor"), optsB, new LinkedBlockingQueue<>());
    started.add(runningB);
    RemoteRuntimesIT.awaitPort(runningB, portB);

    BlockingQueue<String> outA = new LinkedBlockingQueue<>();
    List<String> seen = new ArrayList<>();
    Process runningA = a.start(List.of("vdpa:dev add name r0 mgmtdev vdpasim_net host B", "vdpa:dev show", "vdpa:monitor"),
        optsA, outA);
    started.add(runningA);
    await(outA, seen, "r0: created on host B"::equals, 60_000);
    await(outA, seen, ("r0:" + NET + " host B")::equals, 30_000);
    assertTrue(String.join("\n", seen), seen.contains("vdpa0:" + NET + " host A"));

    runningB.destroyForcibly();
    assertTrue("B was killed", runningB.waitFor(30, TimeUnit.SECONDS));
    long killed = System.nanoTime();
    String down = "[runtime] DOWN B endpoint tcp://127.0.0.1:" + portB;
    await(outA, seen, down::equals, SESSION_MS + SLACK_MS);
    long droppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    assertTrue("A dropped B after " + droppedMs + " ms", droppedMs <= SESSION_MS + SLACK_MS);

    Process again = b.start(List.of("vdpa:monitor"), optsB, new LinkedBlockingQueue<>());
    started.add(again);
    await(outA, seen, ("[runtime] UP B endpoint tcp://127.0.0.1:" + portB)::equals, 60_000);

    RuntimeProcess.Run back = new RuntimeProcess(dir.newFolder("a2").toPath()).run(List.of("vdpa:dev show", "vdpa:bus show host B"),
        List.of("-Dvdpa.remote.host=A2", zk, session, "-Dorg.osgi.service.http.port=0"));
    assertEquals(back.all(), 0, back.status());
    assertTrue(back.all(), back.out().contains("r0:" + NET + " host B"));
    assertTrue(back.all(), back.out().contains("vdpa0:" + NET + " host A2"));
    // B's bus snapshot (a BusDTO) crossed the wire: its devices with their binding state
    assertTrue(back.all(), back.out().contains("r0: bound driver virtio_net autoprobe on"));
    assertTrue("a runtime's view never names itself twice: " + back.all(),
        back.out().stream().filter(l -> l.endsWith(" host A2")).count() == 1);
  }

  /** ZooKeeper's own server main, loopback only, no admin server, a 500 ms tick. */
  private void startZooKeeper(Path home, int port) throws Exception {
    Path cfg = home.resolve("zoo.cfg");
    Files.writeString(cfg, String.join("\n", "tickTime=500", "dataDir=" + home.resolve("data"), "clientPort=" + port,
        "clientPortAddress=127.0.0.1", "admin.enableServer=false", ""));
    String cp = System.getProperty("zookeeper.server.classpath");
    assertTrue("zookeeper.server.classpath is not set", cp != null && !cp.isBlank());
    Process zk = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-cp",
        cp, "org.apache.zookeeper.server.ZooKeeperServerMain", cfg.toString())
        .redirectOutput(home.resolve("out.txt").toFile()).redirectError(home.resolve("err.txt").toFile()).start();
    started.add(zk);
    RemoteRuntimesIT.awaitPort(zk, port);
  }

  private static void await(BlockingQueue<String> out, List<String> seen, Predicate<String> wanted, long ms)
      throws InterruptedException {
    RuntimeProcess.awaitLine(out, seen, wanted, ms);
  }

}
