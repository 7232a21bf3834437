package net.vdpa.driver.vhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import net.vdpa.unix.LibC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QEMU Linux guest with two CPUs on a two-pair device with packed rings ({@code packed=on},
 * {@code queues=2}, {@code mq=on}): the guest's virtio_net negotiates RING_PACKED, MQ, EVENT_IDX and
 * MRG_RXBUF, enables
 * both pairs through QEMU's control queue, and every frame it sends and receives is counted by the
 * device on some pair. Skips with one line where QEMU or the guest image is missing.
 */
class QemuGuestPackedMqTest {
  @TempDir Path dir;
  final TestLog log = new TestLog();
  VdpaDevice dev;
  VhostDeviceHandle handle;

  @BeforeAll
  static void needQemu() {
    String missing = QemuGuest.missing();
    if (missing != null) {
      System.out.println("QEMU packed/multiqueue guest test skipped: " + missing);
    }
    Assumptions.assumeTrue(missing == null);
  }

  @AfterEach
  void stop() {
    if (handle != null) {
      handle.revoke("test over");
    }
  }

  private long sum(int first, String counter) {
    return SimNet.stat(dev, first, counter) + SimNet.stat(dev, first + 2, counter);
  }

  @Test
  void aGuestUsesPackedRingsOnTwoQueuePairs() throws Exception {
    dev = SimNet.create("guestmq", 2);
    handle = new VhostDeviceHandle(dev, dir.resolve("guestmq.sock"), TestSettings.defaults(dir), LibC.getuid(), log);
    handle.start();
    try (QemuGuest g = new QemuGuest(handle.socketPath(), SimNet.mac(dev), false, 2, ",packed=on")) {
      assertThat(g.await("GUEST up", 240)).contains("carrier 1");
      long[] guest = QemuGuest.counters(g.await("GUEST sent", 240));
      long tx = sum(1, "tx_packets");
      long rx = sum(0, "rx_packets");
      System.out.println("QEMU packed/MQ guest: guest tx " + guest[0] + " rx " + guest[1] + ", device tx " + tx
          + " rx " + rx + " (pair 0 tx " + SimNet.stat(dev, 1, "tx_packets") + ", pair 1 tx "
          + SimNet.stat(dev, 3, "tx_packets") + ")");
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
