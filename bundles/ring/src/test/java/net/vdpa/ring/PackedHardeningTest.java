package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;

/** Hardening of the packed device side, with the cases only a packed ring can express. */
class PackedHardeningTest extends HardeningTest {
  @Override
  MockDriver driver(long features) {
    return MockDriver.packed(N, features, 1 << 20);
  }

  private RawRing.Packed packed() {
    return (RawRing.Packed) raw;
  }

  @Test
  void descriptorMarkedUsedInALapTheDeviceHasNotReached() {
    packed().desc(0, buf, 16, 0, PackedLayout.F_AVAIL | PackedLayout.F_USED);
    expect(RingError.WRAP_STATE);
  }

  @Test
  void descriptorWithThePreviousLapsWrapCounterIsNotTaken() {
    packed().desc(0, buf, 16, 0, PackedLayout.F_USED);
    assertThat(dev.pop(chain)).isFalse();
    assertThat(dev.needsReset()).isFalse();
  }

  @Test
  void bufferIdOutOfRange() {
    packed().chainWithId(new long[] {buf}, new long[] {16}, new int[] {0}, N);
    expect(RingError.ID_OUT_OF_RANGE);
  }

  @Test
  void bufferIdAlreadyInFlight() {
    packed().chainWithId(new long[] {buf}, new long[] {16}, new int[] {0}, 2);
    packed().chainWithId(new long[] {buf}, new long[] {16}, new int[] {0}, 2);
    assertThat(dev.pop(chain)).isTrue();
    expect(RingError.ID_IN_USE);
  }

  @Test
  void chainLongerThanTheQueue() {
    for (int i = 0; i < N; i++) {
      packed().desc(i, buf, 16, 0, PackedLayout.F_NEXT | PackedLayout.F_AVAIL);
    }
    expect(RingError.CHAIN_TOO_LONG);
  }

  @Test
  void chainLongerThanTheQueueThroughAnIndirectTable() {
    long table = m.allocate(16 * N);
    for (int i = 0; i < N; i++) {
      raw.table(table, i, buf, 1, 0, 0);
    }
    raw.chain(new long[] {buf, table}, new long[] {1, 16 * N}, new int[] {NEXT, INDIRECT});
    expect(RingError.CHAIN_TOO_LONG);
  }
}
