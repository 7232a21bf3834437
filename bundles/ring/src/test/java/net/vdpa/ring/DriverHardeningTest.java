package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;

/** The driver side against a device that writes nonsense into the used ring, and IN_ORDER batches. */
class DriverHardeningTest {
  private static void used(RawRing r, int slot, int id, int len, int idx) {
    long u = r.config.deviceAddr();
    r.put(u + SplitLayout.USED_RING + 8L * slot, id, 4);
    r.put(u + SplitLayout.USED_RING + 8L * slot + 4, len, 4);
    r.put(u + SplitLayout.USED_IDX, idx, 2);
  }

  @Test
  void inOrderDeviceMayReturnABatchWithOneUsedElement() {
    MockDriver m = MockDriver.split(8, VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER), 1 << 16);
    long buf = m.allocate(64);
    int a = m.queue().add(buf, 64, true);
    int b = m.queue().add(buf, 64, true);
    int c = m.queue().add(buf, 64, true);
    m.queue().publish();
    used(RawRing.of(m), 0, c, 99, 1);
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(a, 0));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(b, 0));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(c, 99));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
    assertThat(m.queue().error()).isEqualTo(RingError.NONE);
  }

  @Test
  void usedIdNotInFlightStopsTheDriver() {
    MockDriver m = MockDriver.split(8, 0, 1 << 16);
    m.queue().add(m.allocate(8), 8, true);
    m.queue().publish();
    used(RawRing.of(m), 0, 5, 8, 1);
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().error()).isEqualTo(RingError.USED_ID_INVALID);
  }

  @Test
  void usedIndexJumpingPastTheBuffersInFlightStopsTheDriver() {
    MockDriver m = MockDriver.split(8, 0, 1 << 16);
    int id = m.queue().add(m.allocate(8), 8, true);
    m.queue().publish();
    used(RawRing.of(m), 0, id, 8, 2);
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().error()).isEqualTo(RingError.USED_INDEX_JUMP);
  }

  @Test
  void packedUsedDescriptorWithUnknownIdStopsTheDriver() {
    MockDriver m = MockDriver.packed(8, 0, 1 << 16);
    m.queue().add(m.allocate(8), 8, true);
    m.queue().publish();
    RawRing.Packed r = (RawRing.Packed) RawRing.of(m);
    r.desc(0, 0, 8, 7, net.vdpa.ring.packed.PackedLayout.usedBits(true));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().error()).isEqualTo(RingError.USED_ID_INVALID);
  }
}
