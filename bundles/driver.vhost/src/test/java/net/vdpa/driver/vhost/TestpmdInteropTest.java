package net.vdpa.driver.vhost;

import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.testpmd.Testpmd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** dpdk-testpmd's virtio-user against the backend and a simulated NIC, outside a framework. */
class TestpmdInteropTest {
  @TempDir Path dir;

  @BeforeAll
  static void needTestpmd() {
    NeedTestpmd.check("the DPDK interop tests");
  }

  @Test
  void txonlyPacketsAreCountedExactly() throws Exception {
    VdpaDevice dev = SimNetFixture.create("vt0");
    TestLog log = new TestLog();
    VhostDeviceHandle h = TestSettings.handle(dev, dir.resolve("vt0.sock"), TestSettings.defaults(dir), log);
    h.start();
    try (Testpmd t = Testpmd.virtioUser(h.socketPath(), "vtu", "--forward-mode=txonly",
        "--eth-peer=0," + SimNetFixture.mac(dev))) {
      assertThat(t.await("testpmd>", 20_000)).as(t.output()).isTrue();
      t.command("start");
      Thread.sleep(1000);
      t.command("stop");
      assertThat(t.await("Done.", 10_000)).as(t.output()).isTrue();
      t.command("show port stats 0");
      Thread.sleep(300);
      long sent = t.lastCounter("TX-packets");
      System.out.println("testpmd sent " + sent + ", device tx " + SimNetFixture.stat(dev, 1, "tx_packets"));
      assertThat(sent).isPositive();
      assertThat(SimNetFixture.stat(dev, 1, "tx_packets")).isEqualTo(sent);
      assertThat(t.interrupt(10_000)).isTrue();
    } finally {
      h.revoke("test over");
    }
  }

  @Test
  void ioLoopRunsWithoutErrorsAndASecondTestpmdConnectsAfterSigint() throws Exception {
    VdpaDevice dev = SimNetFixture.create("vt1");
    TestLog log = new TestLog();
    VhostDeviceHandle h = TestSettings.handle(dev, dir.resolve("vt1.sock"), TestSettings.defaults(dir), log);
    h.start();
    try {
      for (int round = 0; round < 2; round++) {
        try (Testpmd t = Testpmd.virtioUser(h.socketPath(), "vio" + round,
            "--forward-mode=io", "--eth-peer=0," + SimNetFixture.mac(dev))) {
          assertThat(t.await("testpmd>", 20_000)).as(t.output()).isTrue();
          long rx0 = SimNetFixture.stat(dev, 0, "rx_packets");
          t.command("start tx_first");
          Thread.sleep(2000);
          t.command("stop");
          assertThat(t.await("Done.", 10_000)).as(t.output()).isTrue();
          long rx = SimNetFixture.stat(dev, 0, "rx_packets") - rx0;
          System.out.println("round " + round + ": io loop, device rx " + rx + " in 2 s (" + rx / 2 + " packets/s)");
          assertThat(rx).isGreaterThan(1000);
          assertThat(SimNetFixture.stat(dev, 1, "tx_errors")).isZero();
          assertThat(SimNetFixture.stat(dev, 0, "rx_errors")).isZero();
          assertThat(t.interrupt(10_000)).as("testpmd ends on SIGINT").isTrue();
        }
        // the backend notices the disconnect and frees the device for the next frontend
        long end = System.nanoTime() + 5_000_000_000L;
        while (h.owner().isPresent() && System.nanoTime() < end) {
          Thread.sleep(20);
        }
        assertThat(h.owner()).isEmpty();
      }
      assertThat(log.lines.stream().filter(l -> l.contains("connected on")).count()).isEqualTo(2);
    } finally {
      h.revoke("test over");
    }
  }
}
