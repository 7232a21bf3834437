package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.unix.LibC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message orders real frontends use, replayed exactly: each must be accepted and end with the
 * device running.
 */
class FrontendOrderTest {
  static final long GPA = 0x10_0000L;
  static final long UVA = 0x7f00_0000_0000L;
  static final int MEM = 1 << 20;
  static final long PROTOCOL_FEATURES = 1L << Message.F_PROTOCOL_FEATURES;

  @TempDir Path dir;
  final TestLog log = new TestLog();
  VdpaDevice dev;
  VhostDeviceHandle handle;
  int memfd = -1;
  int kick = -1;
  int call = -1;

  @AfterEach
  void stop() {
    if (handle != null) {
      handle.revoke("test over");
    }
    TestLibC.close(memfd);
    TestLibC.close(kick);
    TestLibC.close(call);
  }

  Frontend start() throws IOException {
    return start(1);
  }

  Frontend start(int pairs) throws IOException {
    dev = SimNetFixture.create("order0", pairs);
    handle = new VhostDeviceHandle(dev, dir.resolve("order0.sock"), TestSettings.defaults(dir), LibC.getuid(), log);
    handle.start();
    memfd = TestLibC.memfd_create("guest", TestLibC.MFD_CLOEXEC | TestLibC.MFD_ALLOW_SEALING);
    assertThat(TestLibC.ftruncate(memfd, MEM)).isZero();
    kick = TestLibC.eventfd(0, 0);
    call = TestLibC.eventfd(0, 0);
    return new Frontend(handle.socketPath());
  }

  boolean running() {
    return Await.until(() -> handle.server().session() != null && handle.server().session().running(), 5_000);
  }

  /**
   * QEMU 7.2 (vhost_user_backend_init, vhost_dev_init, vhost_net_start): protocol features first,
   * SET_OWNER, call descriptors at init, SET_VRING_ENABLE 0 before SET_FEATURES (it tests the
   * feature as offered by GET_FEATURES), then the start sequence and SET_VRING_ENABLE 1.
   */
  @Test
  void qemuEnablesRingsBeforeItSetsFeatures() throws Exception {
    try (Frontend f = start()) {
      f.send(Message.GET_FEATURES, null);
      long offered = f.replyU64();
      assertThat(offered & PROTOCOL_FEATURES).isNotZero();
      f.send(Message.GET_PROTOCOL_FEATURES, null);
      long protocol = f.replyU64();
      f.send(Message.SET_PROTOCOL_FEATURES, Frontend.u64(protocol & (1L << Message.PF_MQ | 1L << Message.PF_REPLY_ACK)));
      f.send(Message.GET_QUEUE_NUM, null);
      assertThat(f.replyU64()).as("queue pairs").isEqualTo(1);
      f.send(Message.SET_OWNER, null);
      f.send(Message.GET_FEATURES, null);
      assertThat(f.replyU64()).isEqualTo(offered);
      f.send(Message.SET_VRING_CALL, Frontend.u64(0), call);
      f.send(Message.SET_VRING_CALL, Frontend.u64(1), call);
      f.send(Message.SET_VRING_ENABLE, Frontend.state(0, 0));
      f.send(Message.SET_VRING_ENABLE, Frontend.state(1, 0));
      // the guest's driver sets DRIVER_OK: vhost_dev_start
      f.send(Message.SET_FEATURES, Frontend.u64((1L << 32) | PROTOCOL_FEATURES));
      f.send(Message.SET_MEM_TABLE, Message.NEED_REPLY, Frontend.table(new long[] {GPA, MEM, UVA, 0}), memfd);
      assertThat(f.replyU64()).as("REPLY_ACK for SET_MEM_TABLE").isZero();
      f.send(Message.SET_VRING_NUM, Frontend.state(1, 256));
      f.send(Message.SET_VRING_BASE, Frontend.state(1, 0));
      f.send(Message.SET_VRING_ADDR, Frontend.addr(1, UVA, UVA + 0x2000, UVA + 0x1000));
      f.send(Message.SET_VRING_KICK, Frontend.u64(1), kick);
      f.send(Message.SET_VRING_CALL, Frontend.u64(1), call);
      assertThat(handle.server().session().running()).as("disabled rings do not run").isFalse();
      f.send(Message.SET_VRING_ENABLE, Frontend.state(1, 1));
      assertThat(running()).as(log.lines.toString()).isTrue();
      assertThat(log.contains("protocol error")).as(log.lines.toString()).isFalse();
    }
  }

  /**
   * DPDK 22.11 virtio-user (virtio_user_dev_init, virtio_user_start_device): SET_OWNER first, no
   * SET_VRING_ENABLE when PROTOCOL_FEATURES is not acked by the driver, call before kick.
   */
  @Test
  void dpdkVirtioUserStartsWithoutEnablingRings() throws Exception {
    try (Frontend f = start()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.GET_FEATURES, null);
      assertThat(f.replyU64()).isPositive();
      f.send(Message.SET_FEATURES, Frontend.u64(1L << 32));
      f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), memfd);
      f.send(Message.SET_VRING_CALL, Frontend.u64(1), call);
      f.send(Message.SET_VRING_NUM, Frontend.state(1, 256));
      f.send(Message.SET_VRING_BASE, Frontend.state(1, 0));
      f.send(Message.SET_VRING_ADDR, Frontend.addr(1, UVA, UVA + 0x2000, UVA + 0x1000));
      f.send(Message.SET_VRING_KICK, Frontend.u64(1), kick);
      assertThat(running()).as(log.lines.toString()).isTrue();
    }
  }

  /** Sets ring {@code i} up at its own 64 KiB of the memory, in DPDK's order (num, base, addr, kick). */
  private void ring(Frontend f, int i, int base) throws IOException {
    long at = UVA + 0x10000L * i;
    f.send(Message.SET_VRING_NUM, Frontend.state(i, 256));
    f.send(Message.SET_VRING_BASE, Frontend.state(i, base));
    f.send(Message.SET_VRING_ADDR, Frontend.addr(i, at, at + 0x2000, at + 0x1000));
    f.send(Message.SET_VRING_KICK, Frontend.u64(i), kick);
  }

  /**
   * DPDK 22.11 virtio-user with {@code queues=2,cq=1,packed_vq=1} (recorded against this backend):
   * calls for every ring first, SET_STATUS before and after, rings set up in the order 0, 2, 1, 3
   * with a packed base of the avail half only (wrap counter set), pair 0 enabled before DRIVER_OK
   * and pair 1 only after it, when its emulated control queue got VQ_PAIRS_SET.
   */
  @Test
  void dpdkVirtioUserEnablesTheSecondPairAfterDriverOk() throws Exception {
    long packed = 1L << 34;
    long mq = 1L << 22;
    try (Frontend f = start(2)) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.GET_FEATURES, null);
      long offered = f.replyU64();
      assertThat(offered & (packed | mq)).as("packed rings and MQ offered").isEqualTo(packed | mq);
      f.send(Message.GET_PROTOCOL_FEATURES, null);
      f.replyU64();
      f.send(Message.SET_PROTOCOL_FEATURES, Frontend.u64(0x10009)); // MQ, REPLY_ACK, STATUS
      for (int i : new int[] {0, 2, 1, 3}) {
        f.send(Message.SET_VRING_CALL, Frontend.u64(i), call);
      }
      f.send(Message.SET_FEATURES, Frontend.u64((1L << 32) | packed | mq | PROTOCOL_FEATURES));
      f.send(Message.SET_STATUS, Frontend.u64(0x0b)); // ACKNOWLEDGE, DRIVER, FEATURES_OK
      f.send(Message.GET_STATUS, null);
      assertThat(f.replyU64()).isEqualTo(0x0b);
      f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), memfd);
      for (int i : new int[] {0, 2, 1, 3}) {
        ring(f, i, 0x8000);
      }
      f.send(Message.SET_VRING_ENABLE, Frontend.state(0, 1));
      f.send(Message.SET_VRING_ENABLE, Frontend.state(1, 1));
      assertThat(handle.server().session().running()).as("not before DRIVER_OK").isFalse();
      f.send(Message.SET_STATUS, Frontend.u64(0x0f));
      assertThat(running()).as(log.lines.toString()).isTrue();
      f.send(Message.SET_VRING_ENABLE, Frontend.state(2, 1));
      f.send(Message.SET_VRING_ENABLE, Frontend.state(3, 1));
      assertThat(Await.until(() -> log.lines.stream().anyMatch(l -> l.contains("packed vrings 0 (base ")
          && l.contains(", 3 (base 0x8000), 2 of 2 queue pairs")), 5_000)).as(log.lines.toString()).isTrue();
      assertThat(log.contains("protocol error")).as(log.lines.toString()).isFalse();
    }
  }

  /**
   * QEMU 7.2 with {@code packed=on}: its packed base carries the used index and wrap counter in
   * bits 16-31 (virtio_queue_packed_get_last_avail_idx), and it reads both halves back from
   * GET_VRING_BASE when it stops the ring.
   */
  @Test
  void qemuPackedBaseCarriesBothHalves() throws Exception {
    long packed = 1L << 34;
    try (Frontend f = start()) {
      f.send(Message.GET_FEATURES, null);
      f.replyU64();
      f.send(Message.SET_OWNER, null);
      f.send(Message.SET_FEATURES, Frontend.u64((1L << 32) | packed));
      f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), memfd);
      int base = 0x8005 | 0x8005 << 16; // five buffers taken and used in the first lap
      f.send(Message.SET_VRING_CALL, Frontend.u64(1), call);
      ring(f, 1, base);
      assertThat(running()).as(log.lines.toString()).isTrue();
      assertThat(dev.getVqState(1)).isEqualTo(new net.vdpa.api.VqState(5, true, 5, true));
      f.send(Message.GET_VRING_BASE, Frontend.state(1, 0));
      ByteBuffer reply = f.replyPayload();
      assertThat(reply.getInt(0)).isEqualTo(1);
      assertThat(reply.getInt(4)).as("both halves back").isEqualTo(base);
    }
  }
}
