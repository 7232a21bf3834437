package net.vdpa.testkit;

import static net.vdpa.api.VirtioStatus.ACKNOWLEDGE;
import static net.vdpa.api.VirtioStatus.DEVICE_NEEDS_RESET;
import static net.vdpa.api.VirtioStatus.DRIVER;
import static net.vdpa.api.VirtioStatus.DRIVER_OK;
import static net.vdpa.api.VirtioStatus.FEATURES_OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VqState;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VdpaDevice} must do, whatever it simulates or adapts: the virtio status machine
 * and its refusals, feature negotiation and the FEATURES_OK re-read, virtqueue set-up bounds, config
 * reads in bounds and the generation across a change, reset from any state clearing every queue and
 * mapping, DMA map pairing, a descriptor outside the DMA map giving a device error (never a read),
 * suspend and resume with kicks replayed, and kicks racing a reset.
 *
 * <p>A device's test class extends it and says how to make a device and the few things only the
 * device kind knows ({@link #newDevice()}, {@link #changeConfig}, {@link #readQueue()}).
 */
public abstract class VdpaDeviceContract {
  /** VIRTIO_F_VERSION_1. */
  protected static final long VERSION_1 = 1L << 32;
  private static final long IOVA = 0x10_0000L;

  /** The device under test, fresh for each test. */
  protected VdpaDevice dev;

  /**
   * A fresh device in the reset state.
   *
   * @return the device
   */
  protected abstract VdpaDevice newDevice();

  /**
   * Makes the device change its config space as it does on its own (a link going down, a capacity
   * change).
   *
   * @param d the device
   */
  protected abstract void changeConfig(VdpaDevice d);

  /**
   * A queue the device reads from as soon as it is kicked (a transmit queue, a request queue).
   *
   * @return its index
   */
  protected abstract int readQueue();

  /**
   * Releases a device made by {@link #newDevice()}.
   *
   * @param d the device
   */
  protected void dispose(VdpaDevice d) {
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

  private void negotiate(long features) {
    dev.setStatus(ACKNOWLEDGE);
    dev.setStatus(ACKNOWLEDGE | DRIVER);
    dev.setDriverFeatures(features);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
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
  void followsTheDriverSequenceAndFeaturesOkReadsBack() {
    negotiate(VERSION_1);
    assertThat(dev.status() & FEATURES_OK).as("FEATURES_OK re-read").isEqualTo(FEATURES_OK);
    assertThat(dev.driverFeatures()).isEqualTo(VERSION_1);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    assertThat(dev.status()).isEqualTo(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    dev.reset();
    assertThat(dev.status()).isZero();
    assertThat(dev.driverFeatures()).isZero();
  }

  @Test
  void refusesOutOfOrderStatusClearedBitsAndDeviceBits() {
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("FEATURES_OK");
    dev.setStatus(ACKNOWLEDGE);
    dev.setStatus(ACKNOWLEDGE | DRIVER);
    assertThatThrownBy(() -> dev.setStatus(DRIVER)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ACKNOWLEDGE");
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | DEVICE_NEEDS_RESET))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DEVICE_NEEDS_RESET");
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | DRIVER_OK))
        .as("DRIVER_OK before FEATURES_OK").isInstanceOf(IllegalStateException.class);
    assertThat(dev.status()).as("refusals change nothing").isEqualTo(ACKNOWLEDGE | DRIVER);
  }

  @Test
  void refusesFeaturesNotOfferedAndFeaturesAfterFeaturesOk() {
    long missing = ~dev.deviceFeatures() & (1L << 62);
    dev.setStatus(ACKNOWLEDGE);
    dev.setStatus(ACKNOWLEDGE | DRIVER);
    assertThatThrownBy(() -> dev.setDriverFeatures(VERSION_1 | missing))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("include bits not offered")
        .hasMessageContaining(Long.toHexString(VERSION_1 | missing));
    dev.setDriverFeatures(0);
    assertThatThrownBy(() -> dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK))
        .as("a virtio 1.x device refuses FEATURES_OK without VERSION_1").isInstanceOf(IllegalStateException.class);
    dev.setDriverFeatures(VERSION_1);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThatThrownBy(() -> dev.setDriverFeatures(VERSION_1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void resetIsSafeInEveryStateAndTwice() {
    dev.reset();
    dev.setStatus(ACKNOWLEDGE);
    dev.reset();
    dev.reset();
    negotiate(VERSION_1);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    dev.reset();
    assertThat(dev.status()).isZero();
  }

  @Test
  void queueSetUpIsBounded() {
    assertThatThrownBy(() -> dev.setVqNum(dev.vqCount(), 64)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(dev.vqCount()));
    assertThatCode(() -> dev.kickVq(dev.vqCount() + 5)).doesNotThrowAnyException();
    assertThatCode(() -> dev.kickVq(-1)).doesNotThrowAnyException();
    assertThat(dev.isVqReady(0)).isFalse();
    negotiate(VERSION_1);
    assertThatThrownBy(() -> dev.setVqNum(0, 0)).as("size 0").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dev.setVqNum(0, 3)).as("a split ring's size is a power of two")
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dev.setVqNum(0, 2 * dev.vqNumMax())).as("above the maximum")
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(dev.vqNumMax()));
    dev.setVqNum(0, dev.vqNumMax());
  }

  @Test
  void configReadsStayInBoundsAndTheGenerationMovesOnAChange() {
    ByteBuffer all = ByteBuffer.allocate(dev.configSize());
    dev.getConfig(0, all);
    assertThat(all.hasRemaining()).isFalse();
    assertThatThrownBy(() -> dev.getConfig(dev.configSize(), ByteBuffer.allocate(1)))
        .isInstanceOf(IndexOutOfBoundsException.class);
    int before = dev.generation();
    CountDownLatch told = new CountDownLatch(1);
    dev.setConfigCallback(told::countDown);
    changeConfig(dev);
    assertThat(dev.generation()).as("generation after a change").isNotEqualTo(before);
    assertThat(told.getCount()).as("the config callback ran").isZero();
    ByteBuffer after = ByteBuffer.allocate(dev.configSize());
    dev.getConfig(0, after);
    assertThat(after.flip()).isNotEqualTo(all.flip());
  }

  @Test
  void resetClearsEveryQueueAndMapping() {
    negotiate(VERSION_1);
    ByteBuffer mem = ByteBuffer.allocateDirect(4096);
    dev.dmaMap(IOVA, mem, VdpaDevice.DMA_READ_WRITE);
    for (int i = 0; i < dev.vqCount(); i++) {
      dev.setVqNum(i, 64);
      dev.setVqAddress(i, IOVA, IOVA + 1024, IOVA + 2048);
      dev.setVqState(i, VqState.split(7));
      dev.setVqReady(i, true);
    }
    dev.reset();
    for (int i = 0; i < dev.vqCount(); i++) {
      assertThat(dev.isVqReady(i)).as("vq " + i + " ready after reset").isFalse();
      assertThat(dev.getVqState(i).lastAvailIdx()).as("vq " + i + " state after reset").isZero();
    }
    assertThatThrownBy(() -> dev.dmaUnmap(IOVA, 4096)).as("the mapping is gone after reset")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dmaMapAndUnmapPair() {
    ByteBuffer mem = ByteBuffer.allocateDirect(4096);
    dev.dmaMap(0x10000, mem, VdpaDevice.DMA_READ_WRITE);
    assertThatThrownBy(() -> dev.dmaUnmap(0x10000, 100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x10000");
    dev.dmaUnmap(0x10000, 4096);
    assertThatThrownBy(() -> dev.dmaUnmap(0x10000, 4096)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dev.dmaMap(0x20000, mem, 9)).isInstanceOf(IllegalArgumentException.class);
  }

  /** A running device with the driver's rings in {@code mem}, queue {@link #readQueue()} set up. */
  private DriverRing runWithRing(DriverMemory mem) {
    negotiate(VERSION_1);
    dev.dmaMap(mem.base(), mem.buffer().duplicate().clear(), VdpaDevice.DMA_READ_WRITE);
    DriverRing ring = DriverRing.create(mem, 64, false, VERSION_1);
    int q = readQueue();
    dev.setVqNum(q, 64);
    dev.setVqAddress(q, ring.config().descAddr(), ring.config().driverAddr(), ring.config().deviceAddr());
    dev.setVqReady(q, true);
    dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    return ring;
  }

  private boolean awaitStatusBit(int bit, long millis) throws InterruptedException {
    CountDownLatch seen = new CountDownLatch(1);
    dev.setConfigCallback(() -> {
      if ((dev.status() & bit) != 0) {
        seen.countDown();
      }
    });
    return (dev.status() & bit) != 0 || seen.await(millis, TimeUnit.MILLISECONDS);
  }

  @Test
  void aDescriptorOutsideTheDmaMapIsADeviceErrorNotARead() throws Exception {
    DriverMemory mem = new DriverMemory(IOVA, 64 * 1024);
    DriverRing ring = runWithRing(mem);
    // a buffer in the driver's own IOTLB view but never mapped into the device: 1 MiB above its memory
    long outside = IOVA + (1L << 20);
    DriverQueue q = ring.queue();
    assertThat(q.add(outside, 64, false)).isNotEqualTo(DriverQueue.FULL);
    q.publish();
    dev.kickVq(readQueue());
    assertThat(awaitStatusBit(DEVICE_NEEDS_RESET, 5_000)).as("DEVICE_NEEDS_RESET after a bad address").isTrue();
    assertThat(q.pollUsed()).as("the bad buffer is never returned as read").isEqualTo(DriverQueue.EMPTY);
    dev.reset();
    assertThat(dev.status()).isZero();
  }

  @Test
  void suspendAndResumeReplayKicks() throws Exception {
    if (!dev.supportsSuspend()) {
      assertThatThrownBy(dev::suspend).isInstanceOf(UnsupportedOperationException.class);
      return;
    }
    DriverMemory mem = new DriverMemory(IOVA, 64 * 1024);
    DriverRing ring = runWithRing(mem);
    long buf = mem.allocate(64, 64);
    dev.suspend();
    DriverQueue q = ring.queue();
    q.add(buf, 64, false);
    q.publish();
    dev.kickVq(readQueue());
    VqState held = dev.getVqState(readQueue());
    assertThat(held.lastAvailIdx()).as("a suspended device takes nothing").isZero();
    dev.resume();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long used = DriverQueue.EMPTY;
    while (used == DriverQueue.EMPTY && System.nanoTime() < end) {
      used = q.pollUsed();
      Thread.onSpinWait();
    }
    assertThat(used).as("the kick sent while suspended is served on resume").isNotEqualTo(DriverQueue.EMPTY);
  }

  @Test
  void kicksRacingAResetNeitherThrowNorHang() throws Exception {
    DriverMemory mem = new DriverMemory(IOVA, 64 * 1024);
    runWithRing(mem);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    CountDownLatch go = new CountDownLatch(1);
    Thread kicker = new Thread(() -> {
      go.countDown();
      try {
        for (int i = 0; i < 200_000; i++) {
          dev.kickVq(readQueue());
        }
      } catch (Throwable t) {
        failed.set(t);
      }
    }, "contract-kicker");
    kicker.start();
    go.await();
    for (int i = 0; i < 20; i++) {
      dev.reset();
      negotiate(VERSION_1);
      dev.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    }
    kicker.join(10_000);
    assertThat(kicker.isAlive()).isFalse();
    assertThat(failed.get()).isNull();
  }
}
