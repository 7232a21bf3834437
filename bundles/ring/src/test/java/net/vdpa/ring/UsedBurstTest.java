package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DriverQueue#pollUsed(int[], int[], int)}: the same buffers, in the same order, with the
 * same checks as {@link DriverQueue#pollUsed()} one at a time (the split queue has a loop with and
 * one without IN_ORDER, the packed queue its own).
 */
class UsedBurstTest {
  private static MockDriver mock(String ring, long features) {
    return "packed".equals(ring) ? MockDriver.packed(16, features, 1 << 20) : MockDriver.split(16, features, 1 << 20);
  }

  private static final long IN_ORDER = VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER);

  /** A queue of 16 for a parameter: {@code split}, {@code packed} or {@code split-in-order}. */
  private static MockDriver ofKind(String kind) {
    return mock(kind.startsWith("packed") ? "packed" : "split", kind.endsWith("in-order") ? IN_ORDER : 0);
  }

  /** Adds {@code n} buffers, the device uses each with length 100 + its place, returns the ids. */
  private static List<Integer> roundTrip(MockDriver m, DeviceQueue d, int n) {
    List<Integer> added = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      added.add(m.queue().add(m.allocate(64), 64, true));
    }
    m.queue().publish();
    DescriptorChain c = new DescriptorChain(4);
    for (int i = 0; i < n; i++) {
      assertThat(d.pop(c)).isTrue();
      assertThat(d.push(c.id(), 100 + i)).isEqualTo(RingError.NONE);
    }
    d.publish();
    return added;
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed", "split-in-order"})
  void takesWhatSinglePollsTakeInTheSameOrderAndFreesTheDescriptors(String kind) {
    MockDriver m = ofKind(kind);
    DeviceQueue d = m.newDevice();
    for (int lap = 0; lap < 3; lap++) {
      List<Integer> added = roundTrip(m, d, 11);
      assertThat(m.queue().freeDescriptors()).isEqualTo(16 - 11);
      int[] ids = new int[16];
      int[] lens = new int[16];
      assertThat(m.queue().pollUsed(ids, lens, 4)).isEqualTo(4);
      assertThat(m.queue().pollUsed(ids, lens, 0)).isZero();
      int n = 4;
      int[] rest = new int[16];
      int[] restLens = new int[16];
      int k = m.queue().pollUsed(rest, restLens, 16);
      assertThat(k).isEqualTo(7);
      assertThat(m.queue().pollUsed(rest, null, 16)).as("drained").isZero();
      List<Integer> got = new ArrayList<>();
      List<Integer> gotLens = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        got.add(ids[i]);
        gotLens.add(lens[i]);
      }
      for (int i = 0; i < k; i++) {
        got.add(rest[i]);
        gotLens.add(restLens[i]);
      }
      assertThat(got).isEqualTo(added);
      for (int i = 0; i < 11; i++) {
        assertThat(gotLens.get(i)).isEqualTo(100 + i);
      }
      assertThat(m.queue().freeDescriptors()).isEqualTo(16);
      assertThat(m.queue().error()).isEqualTo(RingError.NONE);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed", "split-in-order"})
  void withoutIdsABurstCountsWhatItTakesAndFreesTheDescriptors(String kind) {
    MockDriver m = ofKind(kind);
    DeviceQueue d = m.newDevice();
    for (int lap = 0; lap < 3; lap++) {
      List<Integer> added = roundTrip(m, d, 9);
      int[] lens = new int[16];
      assertThat(m.queue().pollUsed(null, lens, 16)).isEqualTo(9);
      for (int i = 0; i < 9; i++) {
        assertThat(lens[i]).isEqualTo(100 + i);
      }
      assertThat(m.queue().pollUsed(null, null, 16)).isZero();
      assertThat(m.queue().freeDescriptors()).isEqualTo(16);
      // the ids come round in the same order: the free list was rebuilt as single polls build it
      assertThat(m.queue().nextId()).isEqualTo(added.get(0) + 9 & 15);
    }
    assertThatThrownBy(() -> m.queue().pollUsed(null, null, -1)).hasMessage("used burst of -1 is negative");
    assertThatThrownBy(() -> m.queue().pollUsed(null, new int[2], 3))
        .hasMessage("used burst of 3 does not fit arrays of 2 elements");
  }

  @Test
  void readsTheUsedIndexOnceAndTakesOnlyWhatWasVisibleThen() {
    MockDriver m = MockDriver.split(16, 0, 1 << 20);
    DeviceQueue d = m.newDevice();
    List<Integer> first = roundTrip(m, d, 3);
    int[] ids = new int[16];
    assertThat(m.queue().pollUsed(ids, null, 2)).isEqualTo(2);
    List<Integer> second = roundTrip(m, d, 2); // published after the index was read
    assertThat(m.queue().pollUsed(ids, null, 16)).as("the rest of what was visible").isEqualTo(1);
    assertThat(ids[0]).isEqualTo(first.get(2));
    assertThat(m.queue().pollUsed(ids, null, 16)).isEqualTo(2);
    assertThat(List.of(ids[0], ids[1])).isEqualTo(second);
  }

  @Test
  void anInvalidUsedElementStopsTheQueueAfterTheOnesBeforeIt() {
    MockDriver m = MockDriver.split(8, 0, 1 << 16);
    int a = m.queue().add(m.allocate(8), 8, true);
    m.queue().add(m.allocate(8), 8, true);
    m.queue().publish();
    RawRing r = RawRing.of(m);
    long u = r.config.deviceAddr();
    r.put(u + SplitLayout.USED_RING, a, 4);
    r.put(u + SplitLayout.USED_RING + 4, 8, 4);
    r.put(u + SplitLayout.USED_RING + 8, 7, 4); // never made available
    r.put(u + SplitLayout.USED_RING + 12, 8, 4);
    r.put(u + SplitLayout.USED_IDX, 2, 2);
    int[] ids = new int[8];
    assertThat(m.queue().pollUsed(ids, null, 8)).isEqualTo(1);
    assertThat(ids[0]).isEqualTo(a);
    assertThat(m.queue().error()).isEqualTo(RingError.USED_ID_INVALID);
    assertThat(m.queue().pollUsed(ids, null, 8)).isZero();
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().freeDescriptors()).as("b stays in flight").isEqualTo(7);
  }

  @Test
  void aUsedIndexJumpStopsTheQueue() {
    MockDriver m = MockDriver.split(8, 0, 1 << 16);
    int a = m.queue().add(m.allocate(8), 8, true);
    m.queue().publish();
    RawRing r = RawRing.of(m);
    long u = r.config.deviceAddr();
    r.put(u + SplitLayout.USED_RING, a, 4);
    r.put(u + SplitLayout.USED_IDX, 2, 2);
    assertThat(m.queue().pollUsed(new int[8], null, 8)).isZero();
    assertThat(m.queue().error()).isEqualTo(RingError.USED_INDEX_JUMP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void aBurstThatDoesNotFitItsArraysIsRefusedNamingTheSizes(String ring) {
    DriverQueue q = mock(ring, 0).queue();
    assertThatThrownBy(() -> q.pollUsed(new int[4], null, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("used burst of 5 does not fit arrays of 4 elements");
    assertThatThrownBy(() -> q.pollUsed(new int[8], new int[2], 4))
        .hasMessage("used burst of 4 does not fit arrays of 8 and 2 elements");
    assertThatThrownBy(() -> q.pollUsed(new int[8], null, -1))
        .hasMessage("used burst of -1 does not fit arrays of 8 elements");
  }

  @Test
  void aPackedBurstFreesEveryDescriptorOfEachChainAndFollowsThemIntoTheNextLap() {
    MockDriver m = MockDriver.packed(16, 0, 1 << 20);
    DeviceQueue d = m.newDevice();
    DriverQueue q = m.queue();
    long[] addrs = {m.allocate(64), m.allocate(64), m.allocate(64)};
    int[] lens = {64, 64, 64};
    DescriptorChain c = new DescriptorChain(4);
    int[] ids = new int[16];
    int[] used = new int[16];
    for (int lap = 0; lap < 4; lap++) { // 3 + 1 + 3 = 7 descriptors a lap: the ring wraps in the middle of a chain
      int a = q.add(addrs, lens, 2, 1);
      int b = q.add(addrs[0], 64, false);
      int e = q.add(addrs, lens, 3, 0);
      q.publish();
      assertThat(q.freeDescriptors()).isEqualTo(16 - 7);
      for (int k = 0; k < 3; k++) {
        assertThat(d.pop(c)).isTrue();
        assertThat(d.push(c.id(), 10 * k)).isEqualTo(RingError.NONE);
      }
      d.publish();
      assertThat(q.pollUsed(ids, used, 16)).isEqualTo(3);
      assertThat(new int[] {ids[0], ids[1], ids[2]}).containsExactly(a, b, e);
      assertThat(new int[] {used[0], used[1], used[2]}).containsExactly(0, 10, 20);
      assertThat(q.freeDescriptors()).isEqualTo(16);
      assertThat(q.pollUsed(ids, used, 16)).isZero();
    }
    assertThat(q.error()).isEqualTo(RingError.NONE);
  }

  @Test
  void anInvalidUsedDescriptorStopsThePackedQueueAfterTheOnesBeforeIt() {
    MockDriver m = MockDriver.packed(8, 0, 1 << 16);
    DriverQueue q = m.queue();
    int a = q.add(m.allocate(8), 8, true);
    q.add(m.allocate(8), 8, true);
    q.publish();
    RawRing r = RawRing.of(m);
    long desc = r.config.descAddr();
    int usedFlags = PackedLayout.usedBits(true) | PackedLayout.F_WRITE;
    r.put(desc + PackedLayout.DESC_ID, a, 2);
    r.put(desc + PackedLayout.DESC_FLAGS, usedFlags, 2);
    r.put(desc + 16 + PackedLayout.DESC_ID, 7, 2); // never made available
    r.put(desc + 16 + PackedLayout.DESC_FLAGS, usedFlags, 2);
    int[] ids = new int[8];
    assertThat(q.pollUsed(ids, null, 8)).isEqualTo(1);
    assertThat(ids[0]).isEqualTo(a);
    assertThat(q.error()).isEqualTo(RingError.USED_ID_INVALID);
    assertThat(q.pollUsed(ids, null, 8)).isZero();
    assertThat(q.pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(q.freeDescriptors()).as("b stays in flight").isEqualTo(7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void idsUsedOutOfOrderComeRoundAgainInTheOrderTheBurstFreedThem(String ring) {
    MockDriver m = mock(ring, 0);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    long b = m.allocate(64);
    for (int lap = 0; lap < 3; lap++) {
      int[] added = new int[16];
      for (int i = 0; i < 16; i++) {
        added[i] = q.add(b, 64, false);
      }
      q.publish();
      ChainBatch batch = new ChainBatch(16);
      assertThat(d.popBatch(batch)).isEqualTo(16);
      int[] order = {5, 0, 15, 3, 1, 2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14};
      for (int k : order) {
        assertThat(d.push(added[k], 0)).isEqualTo(RingError.NONE);
      }
      d.publish();
      assertThat(q.pollUsed(null, null, 16)).isEqualTo(16);
      for (int k : order) {
        assertThat(q.nextId()).isEqualTo(added[k]);
        assertThat(q.add(b, 64, false)).isEqualTo(added[k]);
      }
      q.publish();
      assertThat(d.popBatch(batch)).isEqualTo(16);
      assertThat(d.pushBatch(batch, 0)).isEqualTo(RingError.NONE);
      d.publish();
      assertThat(q.pollUsed(null, null, 16)).isEqualTo(16);
    }
  }
  @Test
  void aDeviceThatUsesABufferOfTheUnpublishedBatchCannotBreakThePackedDriver() {
    MockDriver m = MockDriver.packed(4, 0, 1 << 16);
    DriverQueue q = m.queue();
    long b = m.allocate(8);
    int x = q.add(b, 8, false);
    q.publish();
    int a = q.add(b, 8, false); // held: the batch is not published
    RawRing r = RawRing.of(m);
    long desc = r.config.descAddr();
    int used = PackedLayout.usedBits(true);
    r.put(desc + PackedLayout.DESC_ID, x, 2);
    r.put(desc + PackedLayout.DESC_FLAGS, used, 2);
    r.put(desc + 16 + PackedLayout.DESC_ID, a, 2);
    r.put(desc + 16 + PackedLayout.DESC_FLAGS, used, 2);
    assertThat(q.pollUsed(null, null, 4)).isEqualTo(2);
    for (int i = 0; i < 4; i++) { // slots 2, 3, 0 and 1: all in the held head's line
      assertThat(q.add(b, 8, false)).isNotEqualTo(DriverQueue.FULL);
    }
    q.publish();
    assertThat(q.add(b, 8, false)).isEqualTo(DriverQueue.FULL);
  }
}
