package net.vdpa.device.simnet;

import static net.vdpa.api.VirtioStatus.ACKNOWLEDGE;
import static net.vdpa.api.VirtioStatus.DEVICE_NEEDS_RESET;
import static net.vdpa.api.VirtioStatus.DRIVER;
import static net.vdpa.api.VirtioStatus.DRIVER_OK;
import static net.vdpa.api.VirtioStatus.FAILED;
import static net.vdpa.api.VirtioStatus.FEATURES_OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.vdpa.api.VqState;
import net.vdpa.api.net.VirtioNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status machine and feature negotiation, through the device: every refusal and its message. */
class StatusMachineTest {
  private final Devices devices = new Devices();
  private final SimNetDevice dev = devices.create("sm0", 1500, 2);
  private final long v1 = VirtioNet.bit(VirtioNet.F_VERSION_1);

  @AfterEach
  void tearDown() {
    devices.close();
  }

  private void upToDriver() {
    dev.setStatus(ACKNOWLEDGE);
    dev.setStatus(ACKNOWLEDGE | DRIVER);
  }

  @Test
  void driverBeforeAcknowledgeIsRefused() {
    assertThatThrownBy(() -> dev.setStatus(DRIVER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sm0").hasMessageContaining("sets DRIVER before ACKNOWLEDGE");
    assertThat(dev.status()).isZero();
  }

  @Test
  void featuresOkBeforeDriverIsRefused() {
    dev.setStatus(ACKNOWLEDGE);
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | FEATURES_OK))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("sets FEATURES_OK before DRIVER");
  }

  @Test
  void driverOkBeforeFeaturesOkIsRefused() {
    upToDriver();
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | DRIVER_OK))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("sets DRIVER_OK before FEATURES_OK");
    assertThat(dev.status()).isEqualTo(ACKNOWLEDGE | DRIVER);
  }

  @Test
  void clearingABitWithoutResetIsRefused() {
    upToDriver();
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("would clear DRIVER of ACKNOWLEDGE|DRIVER")
        .hasMessageContaining("only a reset");
  }

  @Test
  void unknownBitsAndNeedsResetFromTheDriverAreRefused() {
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | 0x10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status 0x11 has unknown bits 0x10");
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DEVICE_NEEDS_RESET))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only the device sets");
  }

  @Test
  void featuresNotOfferedAreRefusedByName() {
    SimNetDevice narrow = devices.create("sm1", 1500, 1, v1 | VirtioNet.bit(VirtioNet.F_MAC));
    narrow.setStatus(ACKNOWLEDGE);
    narrow.setStatus(ACKNOWLEDGE | DRIVER);
    assertThatThrownBy(() -> narrow.setDriverFeatures(v1 | VirtioNet.bit(VirtioNet.F_RING_PACKED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sm1").hasMessageContaining("not offered: RING_PACKED");
  }

  @Test
  void featuresOkWithoutVersion1IsRefused() {
    upToDriver();
    dev.setDriverFeatures(VirtioNet.bit(VirtioNet.F_MAC));
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("driver features 0x20 without VERSION_1");
    assertThat(dev.status() & FEATURES_OK).isZero();
  }

  @Test
  void featuresOkWithMqButNoControlQueueIsRefused() {
    upToDriver();
    dev.setDriverFeatures(v1 | VirtioNet.bit(VirtioNet.F_MQ));
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("MQ need CTRL_VQ");
  }

  @Test
  void featuresAreFixedAfterFeaturesOk() {
    upToDriver();
    dev.setDriverFeatures(v1);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThatThrownBy(() -> dev.setDriverFeatures(v1 | VirtioNet.bit(VirtioNet.F_MAC)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("after FEATURES_OK");
    assertThat(dev.driverFeatures()).isEqualTo(v1);
  }

  @Test
  void negotiationKeepsWhatTheDriverChose() {
    assertThat(dev.deviceFeatures()).isEqualTo(SimNetManager.SUPPORTED_FEATURES);
    upToDriver();
    long chosen = v1 | VirtioNet.bit(VirtioNet.F_MAC) | VirtioNet.bit(VirtioNet.F_RING_PACKED);
    dev.setDriverFeatures(chosen);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThat(dev.status() & FEATURES_OK).isEqualTo(FEATURES_OK);
    assertThat(dev.driverFeatures()).isEqualTo(chosen);
  }

  @Test
  void queueSetupAfterDriverOkIsRefused() {
    upToDriver();
    dev.setDriverFeatures(v1);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    assertThatThrownBy(() -> dev.setVqNum(0, 64))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("set_vq_num of vq 0 after DRIVER_OK");
    assertThatThrownBy(() -> dev.setVqAddress(1, 0, 0, 0))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("set_vq_address of vq 1 after DRIVER_OK");
    assertThatThrownBy(() -> dev.setVqReady(1, true))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("after DRIVER_OK");
    assertThatThrownBy(() -> dev.setVqState(1, VqState.split(3)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("after DRIVER_OK");
    assertThatThrownBy(() -> dev.setVqReadAhead(1, 8))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("set_vq_read_ahead of vq 1 after DRIVER_OK");
  }

  @Test
  void queueArgumentsAreChecked() {
    upToDriver();
    dev.setDriverFeatures(v1);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThatThrownBy(() -> dev.setVqNum(0, 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vq 0 size 100 is not a power of two");
    assertThatThrownBy(() -> dev.setVqNum(0, 4096))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size 4096");
    assertThatThrownBy(() -> dev.setVqNum(5, 64))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vq 5 does not exist (vq count 5)");
    dev.setVqNum(0, 64);
    assertThatThrownBy(() -> dev.setVqState(0, new VqState(100, true, 0, true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vq 0 state")
        .hasMessageContaining("more than queue size 64");
    dev.setVqState(0, VqState.split(7));
    assertThat(dev.getVqState(0)).isEqualTo(VqState.split(7));
    assertThatThrownBy(() -> dev.setVqReadAhead(0, 65))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vq 0 read-ahead of 65 chains is outside 0..64");
    assertThatThrownBy(() -> dev.setVqReadAhead(1, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-ahead of -1 chains");
    assertThatThrownBy(() -> dev.setVqReadAhead(5, 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vq 5 does not exist (vq count 5)");
    dev.setVqReadAhead(0, 64);
  }

  @Test
  void driverOkWithAReadyQueueWithoutSizeIsRefused() {
    upToDriver();
    dev.setDriverFeatures(v1);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    dev.setVqReady(0, true);
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DRIVER_OK refused: vq 0 is ready but its size was never set");
    assertThat(dev.status() & DRIVER_OK).isZero();
  }

  @Test
  void failedMayBeSetAnyTimeAndResetClearsAll() {
    upToDriver();
    dev.setStatus(ACKNOWLEDGE | DRIVER | FAILED);
    assertThat(dev.status()).isEqualTo(ACKNOWLEDGE | DRIVER | FAILED);
    dev.setStatus(0);
    assertThat(dev.status()).isZero();
    assertThat(dev.driverFeatures()).isZero();
  }
}
