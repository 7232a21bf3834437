package net.vdpa.driver.vhost;

import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.vhost.SocketMode;
import net.vdpa.testkit.devices.SimNetFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A QEMU Linux guest against the backend and a simulated NIC (loopback wire): the guest's
 * virtio_net passes traffic both ways with the same counts on both sides, survives a reset of the
 * device it does itself, and after {@code kill -9} of QEMU a new QEMU on the same socket is served.
 * Skips with one line where QEMU or the guest image is missing ({@code .ci/run} installs both).
 */
class QemuGuestInteropTest {
  @TempDir Path dir;
  final TestLog log = new TestLog();
  VdpaDevice dev;
  VhostDeviceHandle handle;

  @BeforeAll
  static void needQemu() {
    String missing = QemuGuest.missing();
    if (missing != null) {
      System.out.println("QEMU guest interop test skipped: " + missing);
    }
    Assumptions.assumeTrue(missing == null);
  }

  @AfterEach
  void stop() {
    if (handle != null) {
      handle.revoke("test over");
    }
  }

  long deviceTx() {
    return SimNetFixture.stat(dev, 1, "tx_packets");
  }

  long deviceRx() {
    return SimNetFixture.stat(dev, 0, "rx_packets");
  }

  /** Runs one phase: waits for the guest's counters, compares them with the device's, lets it go on. */
  void phase(QemuGuest g, String name) throws Exception {
    long[] guest = QemuGuest.counters(g.await("GUEST " + name, 180));
    System.out.println("QEMU guest " + name + ": guest tx " + guest[0] + " rx " + guest[1] + ", device tx "
        + deviceTx() + " rx " + deviceRx());
    assertThat(guest[0]).as("frames the guest sent").isGreaterThanOrEqualTo(200);
    assertThat(guest[1]).as("the loopback wire brought every frame back to the guest").isEqualTo(guest[0]);
    assertThat(deviceTx()).as("the device counted what the guest sent\n" + log.lines).isEqualTo(guest[0]);
    assertThat(deviceRx()).as("the device counted what the guest received").isEqualTo(guest[1]);
    g.ack();
  }

  @Test
  void aLinuxGuestPassesTrafficSurvivesItsOwnResetAndAKilledQemuIsReplaced() throws Exception {
    dev = SimNetFixture.create("guest0");
    handle = new VhostDeviceHandle(dev, dir.resolve("guest0.sock"), TestSettings.defaults(dir),
        net.vdpa.unix.LibC.getuid(), log);
    handle.start();
    String mac = SimNetFixture.mac(dev); // the guest's MAC is the device's, so its receive filter lets frames in

    try (QemuGuest g = new QemuGuest(handle.socketPath(), mac)) {
      assertThat(g.await("GUEST up", 180)).contains("carrier 1");
      phase(g, "sent");
      phase(g, "reset"); // the device counts again from its reset, as the guest's new interface does
      g.await("GUEST done", 120);
      assertThat(g.awaitExit(60)).as("the guest powered off").isTrue();
    }
    assertThat(log.contains("sealed by the frontend")).as("QEMU's memfd arrives sealed\n" + log.lines).isTrue();
    assertThat(Await.until(() -> log.contains("tx_packets 404"), 10_000))
        .as("the disconnect line sums both runs of the connection (202 + 202)\n" + log.lines).isTrue();
    assertThat(Await.until(() -> handle.owner().isEmpty(), 10_000)).isTrue();

    try (QemuGuest g = new QemuGuest(handle.socketPath(), mac)) {
      g.await("GUEST up", 180);
      g.kill9();
    }
    assertThat(Await.until(() -> handle.owner().isEmpty(), 10_000)).as("free again after kill -9").isTrue();

    try (QemuGuest g = new QemuGuest(handle.socketPath(), mac)) {
      g.await("GUEST up", 180);
      phase(g, "sent");
      g.ack(); // skip comparing the second phase this time
      g.await("GUEST done", 120);
    }
    assertThat(log.contains("protocol error")).as(log.lines.toString()).isFalse();
  }

  @Test
  void qemuListeningWithServerOnIsFoundByTheBackendAndAfterKill9TheNextQemuOnThePathIsServed() throws Exception {
    dev = SimNetFixture.create("guest1");
    Path sock = dir.resolve("qemu-listens.sock");
    Settings s = new Settings(1, dir, false, java.util.Map.of(), java.util.Map.of("guest1", sock), 10_000, 60_000, 5_000,
        false, new Settings.Reconnect(10, 200, 60_000), false);
    handle = new VhostDeviceHandle(dev, SocketMode.CLIENT, sock, s, net.vdpa.unix.LibC.getuid(), log);
    handle.start(); // before QEMU: the backend waits for the socket
    String mac = SimNetFixture.mac(dev);

    // QEMU creates the socket and waits for the backend before it boots the guest; killed right after
    try (QemuGuest g = new QemuGuest(sock, mac, true)) {
      assertThat(Await.until(() -> handle.owner().orElse("").startsWith("vhost-user frontend pid " + g.pid() + " "),
          30_000)).as("the backend connects to QEMU's socket\n" + log.lines).isTrue();
      g.kill9();
    }
    assertThat(Await.until(() -> !handle.frontendConnected(), 10_000)).as("the backend sees QEMU gone").isTrue();

    // the next QEMU replaces the stale socket; the backend finds it and the guest passes traffic
    try (QemuGuest g = new QemuGuest(sock, mac, true)) {
      assertThat(g.await("GUEST up", 180)).contains("carrier 1");
      assertThat(handle.owner()).hasValueSatisfying(o -> assertThat(o).startsWith("vhost-user frontend pid " + g.pid()
          + " "));
      phase(g, "sent");
      g.kill9();
    }
    assertThat(log.lines.stream().filter(l -> l.contains("connected (the backend connected to its socket " + sock)))
        .as(log.lines.toString()).hasSize(2);
    assertThat(log.contains("protocol error")).as(log.lines.toString()).isFalse();
  }

  private long sum(int first, String counter) {
    return SimNetFixture.stat(dev, first, counter) + SimNetFixture.stat(dev, first + 2, counter);
  }

  /**
   * A guest with two CPUs on a two-pair device with packed rings ({@code packed=on},
   * {@code queues=2}, {@code mq=on}): its virtio_net negotiates RING_PACKED, MQ, EVENT_IDX and
   * MRG_RXBUF, enables both pairs through QEMU's control queue, and every frame it sends and
   * receives is counted by the device on some pair.
   */
  @Test
  void aGuestUsesPackedRingsOnTwoQueuePairs() throws Exception {
    dev = SimNetFixture.create("guestmq", 2);
    handle = new VhostDeviceHandle(dev, dir.resolve("guestmq.sock"), TestSettings.defaults(dir),
        net.vdpa.unix.LibC.getuid(), log);
    handle.start();
    try (QemuGuest g = new QemuGuest(handle.socketPath(), SimNetFixture.mac(dev), false, 2, ",packed=on")) {
      assertThat(g.await("GUEST up", 240)).contains("carrier 1");
      long[] guest = QemuGuest.counters(g.await("GUEST sent", 240));
      long tx = sum(1, "tx_packets");
      long rx = sum(0, "rx_packets");
      System.out.println("QEMU packed/MQ guest: guest tx " + guest[0] + " rx " + guest[1] + ", device tx " + tx
          + " rx " + rx + " (pair 0 tx " + SimNetFixture.stat(dev, 1, "tx_packets") + ", pair 1 tx "
          + SimNetFixture.stat(dev, 3, "tx_packets") + ")");
      assertThat(guest[1]).as("the loopback wire brought every frame back").isEqualTo(guest[0]);
      assertThat(tx).as("the device counted what the guest sent\n" + log.lines).isEqualTo(guest[0]);
      assertThat(rx).as("the device counted what the guest received").isEqualTo(guest[1]);
      assertThat(log.lines).as("packed rings, EVENT_IDX and MRG_RXBUF negotiated, both pairs enabled")
          .anyMatch(l -> l.contains("packed vrings") && l.contains("RING_PACKED") && l.contains(" MQ ")
              && l.contains("EVENT_IDX") && l.contains("MRG_RXBUF") && l.contains("2 of 2 queue pairs"));
      g.ack();
      g.ack();
      g.await("GUEST done", 180);
    }
    assertThat(log.contains("protocol error")).as(log.lines.toString()).isFalse();
  }
}
