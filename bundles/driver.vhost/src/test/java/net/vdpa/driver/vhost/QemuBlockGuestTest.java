package net.vdpa.driver.vhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.VdpaDevice;
import net.vdpa.testkit.devices.SimBlkFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QEMU Linux guest with {@code -device vhost-user-blk-pci,num-queues=2} on the backend and a
 * simulated block device with two request queues backed by a file: the guest's virtio_blk sees
 * {@code /dev/vda} of the device's capacity (read through GET_CONFIG), the backend starts both
 * request queues, the guest writes a known pattern, syncs, reads it back, and the backing file holds
 * the pattern where the guest wrote it. Skips with one line where QEMU or the guest image is missing
 * ({@code .ci/run} installs both).
 */
class QemuBlockGuestTest {
  private static final long CAPACITY = 64L << 20;
  @TempDir Path dir;
  final TestLog log = new TestLog();
  VhostDeviceHandle handle;
  VdpaDevice dev;

  @BeforeAll
  static void needQemu() {
    String missing = QemuGuest.missing();
    if (missing != null) {
      System.out.println("QEMU block guest test skipped: " + missing);
    }
    Assumptions.assumeTrue(missing == null);
  }

  @AfterEach
  void stop() {
    if (handle != null) {
      handle.revoke("test over");
    }
  }

  /** What the guest writes at 1 MiB: {@code yes vdpa-blk-pattern-0123456789abcdef | head -c 1M}. */
  private static ByteBuffer pattern() {
    byte[] line = "vdpa-blk-pattern-0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(1 << 20);
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, line[i % line.length]);
    }
    return b;
  }

  /** Waits for a guest line; a timeout says what the backend logged too. */
  private String awaitOrLog(QemuGuest g, String prefix, long seconds) throws InterruptedException {
    try {
      return g.await(prefix, seconds);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nthe backend logged:\n" + String.join("\n", log.lines)
          + "\nthe device counted: " + dev.vendorVqStats(0), e);
    }
  }

  @Test
  void aLinuxGuestWritesAPatternToVdaThatLandsInTheBackingFile() throws Exception {
    Path img = dir.resolve("guest-blk.img");
    dev = SimBlkFixture.create("gblk0", CAPACITY, img, 2);
    handle = new VhostDeviceHandle(dev, dir.resolve("gblk0.sock"), TestSettings.defaults(dir),
        net.vdpa.unix.LibC.getuid(), log);
    handle.start();
    try (QemuGuest g = QemuGuest.block(handle.socketPath(), 2)) {
      assertThat(awaitOrLog(g, "GUEST blk sectors", 60)).as("virtio_blk read the capacity from GET_CONFIG")
          .isEqualTo("GUEST blk sectors " + CAPACITY / 512 + " ro 0");
      assertThat(awaitOrLog(g, "GUEST blk readback", 180)).isEqualTo("GUEST blk readback ok");
      g.await("GUEST done", 60);
      assertThat(g.awaitExit(60)).as("the guest powered off").isTrue();
    }
    ByteBuffer onFile = ByteBuffer.allocate(1 << 20);
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ)) {
      ch.read(onFile, 1L << 20);
    }
    assertThat(onFile.flip()).as("the backing file holds what the guest wrote at 1 MiB").isEqualTo(pattern());
    assertThat(log.lines).as("the session ran the block device on both request queues")
        .anyMatch(l -> l.contains("started") && l.contains("FLUSH") && l.contains("MQ") && l.contains("vrings 0 (base 0), 1 (base 0)"));
    assertThat(log.contains("protocol error")).as(log.lines.toString()).isFalse();
    // the device's counters went with the guest's reset; the connection's totals stay
    assertThat(Await.until(() -> handle.connections().stream().noneMatch(ConnectionStats::connected), 10_000)).isTrue();
    long served = 0;
    long read = 0;
    for (ConnectionStats c : handle.connections()) {
      for (Map.Entry<Integer, Map<String, Long>> vq : c.vrings().entrySet()) {
        assertThat(vq.getKey()).as("a request queue: " + c.describe()).isBetween(0, 1);
        served += vq.getValue().getOrDefault("completed_desc", 0L);
        read += vq.getValue().getOrDefault("read_bytes", 0L);
      }
    }
    // which queue carries a request depends on the guest CPU its I/O ran on; together they carry all
    System.out.println("QEMU block guest: " + handle.connections().stream().map(ConnectionStats::describe).toList());
    assertThat(served).as("requests served").isPositive();
    assertThat(read).as("the guest read the pattern back").isGreaterThanOrEqualTo(1 << 20);
  }
}
