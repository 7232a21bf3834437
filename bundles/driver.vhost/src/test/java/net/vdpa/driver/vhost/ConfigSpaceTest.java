package net.vdpa.driver.vhost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.devices.SimNetFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CONFIG protocol feature: not offered by default (QEMU's network device warns when it is), and
 * when configured, GET_CONFIG reads the device's own config space (MAC, status, queue pairs, MTU).
 */
class ConfigSpaceTest {
  static final long CONFIG = 1L << Message.PF_CONFIG;
  static final long REPLY_ACK = 1L << Message.PF_REPLY_ACK;

  @TempDir Path dir;
  final TestLog log = new TestLog();
  VhostDeviceHandle handle;

  @AfterEach
  void stop() {
    if (handle != null) {
      handle.revoke("test over");
    }
  }

  private Frontend connect(VdpaDevice dev, Settings s) throws Exception {
    handle = TestSettings.handle(dev, dir.resolve(dev.name() + ".sock"), s, log);
    handle.start();
    return new Frontend(handle.socketPath());
  }

  @Test
  void notOfferedByDefaultAndRefusedIfAskedFor() throws Exception {
    try (Frontend f = connect(SimNetFixture.create("cfg0"), TestSettings.defaults(dir))) {
      f.send(Message.GET_PROTOCOL_FEATURES, null);
      long offered = f.replyU64();
      assertThat(offered & CONFIG).isZero();
      assertThat(offered).isEqualTo(VhostUserSession.PROTOCOL_IMPLEMENTED & ~CONFIG);
      f.send(Message.SET_PROTOCOL_FEATURES, Frontend.u64(CONFIG));
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    assertThat(log.contains("SET_PROTOCOL_FEATURES 0x200 has bits not offered: 0x200")).as(log.lines.toString())
        .isTrue();
  }

  @Test
  void getConfigReadsTheDevicesMacStatusPairsAndMtu() throws Exception {
    VdpaDevice dev = SimNetFixture.create("cfg1", 2);
    try (Frontend f = connect(dev, TestSettings.offeringConfig(dir))) {
      f.send(Message.GET_PROTOCOL_FEATURES, null);
      assertThat(f.replyU64() & CONFIG).isEqualTo(CONFIG);
      f.send(Message.SET_PROTOCOL_FEATURES, Frontend.u64(CONFIG | REPLY_ACK));
      f.send(Message.SET_OWNER, null);
      ByteBuffer ask = ByteBuffer.allocate(12 + VirtioNet.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      ask.putInt(0, 0).putInt(4, VirtioNet.CFG_SIZE).putInt(8, 0);
      f.send(Message.GET_CONFIG, ask);
      ByteBuffer reply = f.replyPayload();
      assertThat(reply).isNotNull();
      assertThat(reply.getInt(4)).isEqualTo(VirtioNet.CFG_SIZE);
      ByteBuffer expected = ByteBuffer.allocate(VirtioNet.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      dev.getConfig(0, expected);
      ByteBuffer got = reply.slice(12, VirtioNet.CFG_SIZE);
      assertThat(got).isEqualTo(expected.clear());
      assertThat(Short.toUnsignedInt(got.order(ByteOrder.LITTLE_ENDIAN).getShort(VirtioNet.CFG_MAX_VQ_PAIRS)))
          .as("max_virtqueue_pairs").isEqualTo(2);
      assertThat(Short.toUnsignedInt(got.getShort(VirtioNet.CFG_MTU))).as("mtu").isEqualTo(1500);

      // a read past the config space closes the connection, naming the range
      ask.putInt(0, 8).putInt(4, VirtioNet.CFG_SIZE);
      f.send(Message.GET_CONFIG, ask);
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    assertThat(log.contains("GET_CONFIG of 12 bytes at offset 8 leaves the 12-byte config space"))
        .as(log.lines.toString()).isTrue();
  }
}
