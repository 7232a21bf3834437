package net.vdpa.device.simnet;

import static net.vdpa.api.VirtioStatus.ACKNOWLEDGE;
import static net.vdpa.api.VirtioStatus.DRIVER;
import static net.vdpa.api.VirtioStatus.DRIVER_OK;
import static net.vdpa.api.VirtioStatus.FEATURES_OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import net.vdpa.api.VdpaDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VdpaDevice} must do, whatever it simulates or adapts: the status machine, feature
 * negotiation, reset from any state, queue index and config bounds, DMA map pairing, suspend
 * consistency. A device bundle subclasses it with one method.
 */
abstract class VdpaDeviceContractTest {
  /** VIRTIO_F_VERSION_1. */
  static final long VERSION_1 = 1L << 32;

  VdpaDevice dev;

  /**
   * A fresh device in the reset state.
   *
   * @return the device
   */
  abstract VdpaDevice newDevice();

  /**
   * Releases a device made by {@link #newDevice()}.
   *
   * @param d the device
   */
  void dispose(VdpaDevice d) {
    d.reset();
  }

  @BeforeEach
  void create() {
    dev = newDevice();
  }

  @AfterEach
  void destroy() {
    dispose(dev);
  }

  @Test
  void startsReset() {
    assertThat(dev.status()).isZero();
    assertThat(dev.driverFeatures()).isZero();
    assertThat(dev.vqCount()).isPositive();
    assertThat(dev.vqNumMax()).isGreaterThanOrEqualTo(dev.vqNumMin());
    assertThat(Integer.bitCount(dev.vqNumMax())).isEqualTo(1);
    assertThat(dev.deviceFeatures() & VERSION_1).isEqualTo(VERSION_1);
  }

  @Test
  void followsTheDriverSequence() {
    dev.setStatus(ACKNOWLEDGE);
    dev.setStatus(ACKNOWLEDGE | DRIVER);
    dev.setDriverFeatures(VERSION_1);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThat(dev.status() & FEATURES_OK).isEqualTo(FEATURES_OK);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    assertThat(dev.status()).isEqualTo(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    dev.reset();
    assertThat(dev.status()).isZero();
    assertThat(dev.driverFeatures()).isZero();
  }

  @Test
  void refusesOutOfOrderStatusAndClearedBits() {
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("FEATURES_OK");
    dev.setStatus(ACKNOWLEDGE);
    dev.setStatus(ACKNOWLEDGE | DRIVER);
    assertThatThrownBy(() -> dev.setStatus(DRIVER)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ACKNOWLEDGE");
  }

  @Test
  void refusesFeaturesNotOffered() {
    long missing = ~dev.deviceFeatures() & (1L << 62);
    dev.setStatus(ACKNOWLEDGE);
    dev.setStatus(ACKNOWLEDGE | DRIVER);
    assertThatThrownBy(() -> dev.setDriverFeatures(VERSION_1 | missing))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bit_62");
  }

  @Test
  void resetIsSafeInEveryStateAndTwice() {
    dev.reset();
    dev.setStatus(ACKNOWLEDGE);
    dev.reset();
    dev.reset();
    assertThat(dev.status()).isZero();
  }

  @Test
  void queueIndicesAreChecked() {
    assertThatThrownBy(() -> dev.setVqNum(dev.vqCount(), 64)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(dev.vqCount()));
    assertThatCode(() -> dev.kickVq(dev.vqCount() + 5)).doesNotThrowAnyException();
    assertThatCode(() -> dev.kickVq(-1)).doesNotThrowAnyException();
    assertThat(dev.isVqReady(0)).isFalse();
  }

  @Test
  void configReadsStayInBounds() {
    ByteBuffer all = ByteBuffer.allocate(dev.configSize());
    dev.getConfig(0, all);
    assertThat(all.hasRemaining()).isFalse();
    assertThatThrownBy(() -> dev.getConfig(dev.configSize(), ByteBuffer.allocate(1)))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void dmaMapAndUnmapPair() {
    ByteBuffer mem = ByteBuffer.allocateDirect(4096);
    dev.dmaMap(0x10000, mem, VdpaDevice.DMA_READ_WRITE);
    assertThatThrownBy(() -> dev.dmaUnmap(0x10000, 100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x10000");
    dev.dmaUnmap(0x10000, 4096);
    assertThatThrownBy(() -> dev.dmaUnmap(0x10000, 4096)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void suspendIsConsistentWithItsFlag() {
    if (dev.supportsSuspend()) {
      dev.suspend();
      dev.resume();
    } else {
      assertThatThrownBy(dev::suspend).isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
