package net.vdpa.driver.vhost;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.vhost.SocketMode;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.testpmd.Testpmd;
import net.vdpa.unix.LibC;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * dpdk-testpmd's virtio-user against the backend with split and packed rings, one and two queue
 * pairs, the backend listening (server) or connecting to testpmd's socket ({@code server=1}, the
 * backend as client): every packet testpmd sends is counted by the device on the queue it was sent
 * on, and in io mode frames come back on every receive queue the device serves.
 */
class TestpmdMatrixTest {
  @TempDir Path dir;

  @BeforeAll
  static void needTestpmd() {
    NeedTestpmd.check("the DPDK ring/queue matrix");
  }

  private static long txPackets(ConnectionStats c, int pairs) {
    long n = 0;
    for (int p = 0; p < pairs; p++) {
      n += c.vrings().getOrDefault(2 * p + 1, Map.of()).getOrDefault("tx_packets", 0L);
    }
    return n;
  }

  @ParameterizedTest(name = "packed={0} queue pairs={1} backend as client={2}")
  @CsvSource({"false, 1, false", "false, 2, false", "true, 1, false", "true, 2, false",
      "false, 1, true", "false, 2, true", "true, 1, true", "true, 2, true"})
  void everyQueueCarriesTraffic(boolean packed, int pairs, boolean client) throws Exception {
    String name = "vm" + (packed ? "p" : "s") + pairs + (client ? "c" : "");
    VdpaDevice dev = SimNetFixture.create(name, pairs);
    TestLog log = new TestLog();
    Path sock = dir.resolve(name + ".sock");
    VhostDeviceHandle h;
    if (client) {
      Settings s = new Settings(1, dir, false, Map.of(), Map.of(name, sock), 10_000, 60_000, 5_000, false,
          new Settings.Reconnect(10, 200, 60_000), false);
      h = new VhostDeviceHandle(dev, SocketMode.CLIENT, sock, s, LibC.getuid(), log);
    } else {
      h = TestSettings.handle(dev, sock, TestSettings.defaults(dir), log);
    }
    h.start();
    String vdev = "net_virtio_user0,path=" + h.socketPath() + ",queues=" + pairs + (pairs > 1 ? ",cq=1" : "")
        + ",packed_vq=" + (packed ? 1 : 0) + (client ? ",server=1" : "");
    try (Testpmd t = Testpmd.start(List.of("--vdev", vdev), name, "--txq=" + pairs, "--rxq=" + pairs,
        "--forward-mode=txonly", "--eth-peer=0," + SimNetFixture.mac(dev))) {
      assertThat(t.await("testpmd>", 20_000)).as(t.output()).isTrue();
      // testpmd prints its prompt before it enables the second pair
      assertThat(Await.until(() -> log.lines.stream().anyMatch(l -> l.contains(" started, ")
          && l.contains(packed ? "packed vrings" : "split vrings")
          && l.split("\\(base ", -1).length - 1 == 2 * pairs
          && (pairs == 1 || l.contains(pairs + " of " + pairs + " queue pairs"))), 5_000))
          .as("the device started as asked: " + log.lines).isTrue();

      t.command("start");
      Thread.sleep(1000);
      t.command("stop");
      assertThat(t.await("Done.", 10_000)).as(t.output()).isTrue();
      long sent = t.portCounter("TX-packets");
      long counted = 0;
      for (int p = 0; p < pairs; p++) {
        long q = SimNetFixture.stat(dev, 2 * p + 1, "tx_packets");
        System.out.println(name + ": queue pair " + p + " tx " + q);
        assertThat(q).as("tx on pair " + p).isPositive();
        counted += q;
      }
      System.out.println(name + ": testpmd sent " + sent + ", device counted " + counted);
      assertThat(counted).isEqualTo(sent);
      ConnectionStats now = h.connections().get(0);
      assertThat(now.connected()).isTrue();
      assertThat(txPackets(now, pairs)).as("the connection's totals while it runs").isEqualTo(sent);

      t.command("set fwd io");
      long[] rx0 = new long[pairs];
      for (int p = 0; p < pairs; p++) {
        rx0[p] = SimNetFixture.stat(dev, 2 * p, "rx_packets");
      }
      t.command("start tx_first");
      Thread.sleep(1500);
      t.command("stop");
      assertThat(t.await("Done.", 10_000)).as(t.output()).isTrue();
      for (int p = 0; p < pairs; p++) {
        long rx = SimNetFixture.stat(dev, 2 * p, "rx_packets") - rx0[p];
        System.out.println(name + ": io loop, device rx on pair " + p + ": " + rx);
        assertThat(rx).as("frames back on pair " + p).isGreaterThan(100);
        assertThat(SimNetFixture.stat(dev, 2 * p, "rx_errors")).isZero();
        assertThat(SimNetFixture.stat(dev, 2 * p + 1, "tx_errors")).isZero();
      }
      assertThat(t.interrupt(10_000)).as("testpmd ends on SIGINT").isTrue();
      // after testpmd left, the device's counters are reset, but the connection's totals stay readable
      assertThat(Await.until(() -> !h.connections().isEmpty() && !h.connections().get(0).connected(), 10_000))
          .isTrue();
      ConnectionStats last = h.connections().get(0);
      assertThat(last.endReason()).isEqualTo("frontend closed the connection");
      assertThat(txPackets(last, pairs)).as("what testpmd sent in both modes").isGreaterThan(sent);
    } finally {
      h.revoke("test over");
    }
  }
}
