package net.vdpa.driver.vhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import net.vdpa.unix.LibC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    dev = SimNet.create("order0");
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
}
