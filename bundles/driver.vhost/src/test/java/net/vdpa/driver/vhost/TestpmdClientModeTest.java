package net.vdpa.driver.vhost;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.vhost.SocketMode;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.testpmd.Testpmd;
import net.vdpa.unix.LibC;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * dpdk-testpmd's virtio-user in server mode ({@code server=1}: testpmd creates the socket and waits
 * for the backend) against the backend in client mode: traffic counted exactly, then testpmd killed
 * with SIGKILL and a new one started on the same path, which the backend finds by itself.
 */
class TestpmdClientModeTest {
  @TempDir Path dir;

  @BeforeAll
  static void needTestpmd() {
    NeedTestpmd.check("the DPDK client-mode tests");
  }

  /** testpmd with one virtio-user port that listens on the socket (DPDK 22.11 accepts server=1 with queues=1). */
  static Testpmd serverMode(Path socket, String prefix, String... args) throws Exception {
    return Testpmd.start(List.of("--vdev", "net_virtio_user0,path=" + socket + ",queues=1,server=1"), prefix, args);
  }

  /** Runs txonly until the device has counted some traffic, stops, and returns what testpmd says it sent. */
  static long txonlyRound(Testpmd t, VdpaDevice dev, long deviceTxBefore) throws Exception {
    t.command("start");
    assertThat(Await.until(() -> SimNetFixture.stat(dev, 1, "tx_packets") - deviceTxBefore > 20_000, 20_000))
        .as("the device receives testpmd's frames\n" + t.output()).isTrue();
    t.command("stop");
    assertThat(t.await("Done.", 10_000)).as(t.output()).isTrue();
    t.command("show port stats 0");
    assertThat(t.await("Tx-pps", 10_000)).as(t.output()).isTrue();
    return t.lastCounter("TX-packets");
  }

  @Test
  void txonlyIsCountedExactlyAndANewTestpmdAfterSigkillIsServedAgain() throws Exception {
    Path sock = dir.resolve("srv.sock");
    VdpaDevice dev = SimNetFixture.create("vc0");
    TestLog log = new TestLog();
    Settings s = new Settings(1, dir, false, java.util.Map.of(), java.util.Map.of("vc0", sock), 10_000, 60_000, 5_000,
        false, new Settings.Reconnect(10, 200, 60_000), false);
    VhostDeviceHandle h = new VhostDeviceHandle(dev, SocketMode.CLIENT, sock, s, LibC.getuid(), log);
    h.start();
    try {
      long afterFirst;
      try (Testpmd t = serverMode(sock, "vcs0", "--forward-mode=txonly", "--eth-peer=0," + SimNetFixture.mac(dev))) {
        t.awaitPrompt(30_000);
        assertThat(h.frontendConnected()).as("testpmd's prompt comes once the backend has connected").isTrue();
        long before = SimNetFixture.stat(dev, 1, "tx_packets");
        long sent = txonlyRound(t, dev, before);
        afterFirst = SimNetFixture.stat(dev, 1, "tx_packets");
        System.out.println("round 0: testpmd sent " + sent + ", device tx " + (afterFirst - before));
        assertThat(sent).isPositive();
        assertThat(afterFirst - before).isEqualTo(sent);

        t.process().destroyForcibly(); // SIGKILL: no goodbye on the socket, the socket file stays behind
        assertThat(t.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(Await.until(() -> !h.frontendConnected() && h.owner().isEmpty(), 5_000))
          .as("the backend sees the frontend gone\n" + log.lines).isTrue();
      assertThat(Files.exists(sock)).as("SIGKILL leaves the socket file").isTrue();
      // DPDK 22.11 refuses to bind over an existing file ("Address already in use; remove it and try again")
      Files.delete(sock);

      try (Testpmd t = serverMode(sock, "vcs1", "--forward-mode=txonly", "--eth-peer=0," + SimNetFixture.mac(dev))) {
        t.awaitPrompt(30_000);
        assertThat(h.frontendConnected()).isTrue();
        long before = SimNetFixture.stat(dev, 1, "tx_packets");
        long sent = txonlyRound(t, dev, before);
        long delta = SimNetFixture.stat(dev, 1, "tx_packets") - before;
        System.out.println("round 1: testpmd sent " + sent + ", device tx " + delta);
        assertThat(sent).isPositive();
        assertThat(delta).isEqualTo(sent);
        assertThat(t.interrupt(10_000)).as("testpmd ends on SIGINT").isTrue();
      }
      assertThat(log.lines.stream().filter(l -> l.contains("connected (the backend connected to its socket " + sock)))
          .as(log.lines.toString()).hasSize(2);
      assertThat(log.lines.stream().filter(l -> l.contains("no vhost-user frontend on"))).as("never away for long")
          .isEmpty();
    } finally {
      h.revoke("test over");
    }
  }
}
