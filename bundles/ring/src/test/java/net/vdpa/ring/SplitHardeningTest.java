package net.vdpa.ring;

import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;

/** Hardening of the split device side, with the cases only a split ring can express. */
class SplitHardeningTest extends HardeningTest {
  @Override
  MockDriver driver(long features) {
    return MockDriver.split(N, features, 1 << 20);
  }

  private RawRing.Split split() {
    return (RawRing.Split) raw;
  }

  private void publishHead(int head) {
    split().availEntry(0, head);
    split().availIdx(1);
  }

  @Test
  void descriptorLoop() {
    split().desc(0, buf, 16, NEXT, 1);
    split().desc(1, buf, 16, NEXT, 2);
    split().desc(2, buf, 16, NEXT, 0);
    publishHead(0);
    expect(RingError.DESCRIPTOR_LOOP);
  }

  @Test
  void descriptorPointingToItself() {
    split().desc(3, buf, 16, NEXT, 3);
    publishHead(3);
    expect(RingError.DESCRIPTOR_LOOP);
  }

  @Test
  void loopInsideAnIndirectTable() {
    long table = m.allocate(32);
    raw.table(table, 0, buf, 16, NEXT, 1);
    raw.table(table, 1, buf, 16, NEXT, 0);
    split().desc(0, table, 32, INDIRECT, 0);
    publishHead(0);
    expect(RingError.DESCRIPTOR_LOOP);
  }

  @Test
  void nextOutOfRange() {
    split().desc(0, buf, 16, NEXT, N);
    publishHead(0);
    expect(RingError.NEXT_OUT_OF_RANGE);
  }

  @Test
  void nextOutOfRangeInsideAnIndirectTable() {
    long table = m.allocate(32);
    raw.table(table, 0, buf, 16, NEXT, 2);
    raw.table(table, 1, buf, 16, 0, 0);
    split().desc(0, table, 32, INDIRECT, 0);
    publishHead(0);
    expect(RingError.NEXT_OUT_OF_RANGE);
  }

  @Test
  void availableEntryOutOfRange() {
    publishHead(0xffff);
    expect(RingError.NEXT_OUT_OF_RANGE);
  }

  @Test
  void chainLongerThanTheQueueThroughAnIndirectTable() {
    long table = m.allocate(16 * N);
    for (int i = 0; i < N; i++) {
      raw.table(table, i, buf, 1, i < N - 1 ? NEXT : 0, i + 1);
    }
    split().desc(0, buf, 1, NEXT, 1);
    split().desc(1, table, 16 * N, INDIRECT, 0);
    publishHead(0);
    expect(RingError.CHAIN_TOO_LONG);
  }

  @Test
  void availIndexMovingByMoreThanTheQueueSize() {
    split().availIdx(N + 1);
    expect(RingError.AVAIL_INDEX_JUMP);
  }

  @Test
  void headMadeAvailableTwiceWhileInFlight() {
    split().desc(0, buf, 16, 0, 0);
    split().availEntry(0, 0);
    split().availEntry(1, 0);
    split().availIdx(2);
    org.assertj.core.api.Assertions.assertThat(dev.pop(chain)).isTrue();
    expect(RingError.ID_IN_USE);
  }
}
