package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DeviceQueue#popBatch} and {@link DeviceQueue#pushBatch}: the same chains, in the same
 * order, with the same checks as one {@link DeviceQueue#pop} or {@link DeviceQueue#push} at a
 * time (both queues have their own popBatch and pushBatch loops).
 */
class ChainBatchTest {
  private static MockDriver mock(String ring, int size, long features) {
    return "packed".equals(ring) ? MockDriver.packed(size, features, 1 << 20) : MockDriver.split(size, features, 1 << 20);
  }

  /** Adds {@code n} device-readable buffers of 64 bytes (one buffer, added again) and publishes them. */
  private static void addSingles(MockDriver m, int n) {
    long b = m.allocate(64);
    for (int i = 0; i < n; i++) {
      m.queue().add(b, 64, false);
    }
    m.queue().publish();
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void singlesThenTheChainThatEndsTheBatchInRingOrder(String ring) {
    MockDriver m = mock(ring, 64, 0);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    List<Integer> added = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long b = m.allocate(60 + i);
      m.write(b, new byte[] {(byte) i, (byte) (i + 1)});
      added.add(q.add(b, 60 + i, false));
    }
    int multi = q.add(new long[] {m.allocate(10), m.allocate(20)}, new int[] {10, 20}, 1, 1);
    added.add(multi);
    int rx = q.add(m.allocate(100), 100, true);
    added.add(rx);
    q.publish();

    ChainBatch batch = new ChainBatch(32);
    assertThat(d.popBatch(batch)).isEqualTo(6);
    assertThat(batch.count()).isEqualTo(5);
    ByteBuffer out = ByteBuffer.allocate(64);
    for (int i = 0; i < 5; i++) {
      assertThat(batch.id(i)).isEqualTo(added.get(i));
      assertThat(batch.length(i)).isEqualTo(60 + i);
      assertThat(batch.writable(i)).isFalse();
      assertThat(batch.readTo(i, out, 0, 64)).isEqualTo(60 + i);
      assertThat(out.get(0)).isEqualTo((byte) i);
      assertThat(out.get(1)).isEqualTo((byte) (i + 1));
    }
    assertThat(batch.hasRest()).isTrue();
    assertThat(batch.rest().id()).isEqualTo(multi);
    assertThat(batch.rest().segments()).isEqualTo(2);
    assertThat(d.pushBatch(batch, 0)).isEqualTo(RingError.NONE);
    assertThat(d.push(batch.rest().id(), 20)).isEqualTo(RingError.NONE);

    // the next batch: the receive buffer, writable, alone
    assertThat(d.popBatch(batch)).isEqualTo(1);
    assertThat(batch.hasRest()).isFalse();
    assertThat(batch.writable(0)).isTrue();
    assertThat(batch.readTo(0, out, 0, 64)).isZero();
    batch.buffer(0).put(batch.offset(0), (byte) 42);
    assertThat(d.push(batch.id(0), 1)).isEqualTo(RingError.NONE);
    d.publish();

    List<Integer> used = new ArrayList<>();
    long u;
    while ((u = q.pollUsed()) != DriverQueue.EMPTY) {
      used.add(DriverQueue.usedId(u));
    }
    assertThat(used).isEqualTo(added);
    assertThat(d.popBatch(batch)).isZero();
    assertThat(d.error()).isEqualTo(RingError.NONE);
    assertThat(q.error()).isEqualTo(RingError.NONE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void aBatchHoldsAtMostItsCapacity(String ring) {
    MockDriver m = mock(ring, 64, 0);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    addSingles(m, 40);
    ChainBatch batch = new ChainBatch(32);
    assertThat(d.popBatch(batch)).isEqualTo(32);
    assertThat(d.pushBatch(batch, 0)).isEqualTo(RingError.NONE);
    assertThat(d.popBatch(batch)).isEqualTo(8);
    assertThat(batch.count()).isEqualTo(8);
    assertThat(d.pushBatch(batch, 0)).isEqualTo(RingError.NONE);
    // pushed already: the same ids again are refused, and the queue keeps running
    assertThat(d.pushBatch(batch, 0)).isEqualTo(RingError.USED_ID_INVALID);
    assertThat(d.needsReset()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void anUnmappedBufferStopsTheQueueAfterTheChainsBeforeIt(String ring) {
    MockDriver m = mock(ring, 64, 0);
    List<RingError> faults = new ArrayList<>();
    m.deviceIotlb().setFaultListener((iova, length, write, error) -> faults.add(error));
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    long b = m.allocate(64);
    int first = q.add(b, 64, false);
    int second = q.add(b, 64, false);
    q.add(0x6_0000_0000L, 64, false);
    q.add(b, 64, false);
    q.publish();
    ChainBatch batch = new ChainBatch(32);
    assertThat(d.popBatch(batch)).isEqualTo(2);
    assertThat(batch.id(0)).isEqualTo(first);
    assertThat(batch.id(1)).isEqualTo(second);
    assertThat(d.error()).isEqualTo(RingError.ADDRESS_UNMAPPED);
    assertThat(faults).containsExactly(RingError.ADDRESS_UNMAPPED);
    assertThat(d.popBatch(batch)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void aMapChangeBetweenBatchesAppliesToTheNextOne(String ring) {
    MockDriver m = mock(ring, 64, 0);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    long b = m.dma().allocate(64, 4096);
    q.add(b, 64, false);
    q.publish();
    ChainBatch batch = new ChainBatch(32);
    assertThat(d.popBatch(batch)).as("the device's last hit now covers the buffer").isEqualTo(1);
    assertThat(d.pushBatch(batch, 0)).isEqualTo(RingError.NONE);
    long page = b & -4096L;
    assertThat(page).as("the buffer's page holds no ring area").isGreaterThanOrEqualTo(m.config().deviceAddr() + 4096);
    m.deviceIotlb().unmap(page, 4096);
    q.add(b, 64, false);
    q.add(b, 64, false);
    q.publish();
    assertThat(d.popBatch(batch)).isZero();
    assertThat(d.error()).isEqualTo(RingError.ADDRESS_UNMAPPED);
  }

  @Test
  void aHeadMadeAvailableTwiceIsRefusedInsideABatch() {
    MockDriver m = MockDriver.split(8, 0, 1 << 16);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    long b = m.allocate(64);
    int first = q.add(b, 64, false);
    q.add(b, 64, false);
    q.publish();
    // the driver (or anyone) rewrites the second available entry to the first head
    RawRing.of(m).put(m.config().driverAddr() + SplitLayout.AVAIL_RING + 2, first, 2);
    ChainBatch batch = new ChainBatch(8);
    assertThat(d.popBatch(batch)).isEqualTo(1);
    assertThat(d.error()).isEqualTo(RingError.ID_IN_USE);
  }

  @Test
  void inOrderBatchesArePushedInOrderOrRefused() {
    MockDriver m = MockDriver.split(8, VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER), 1 << 16);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    addSingles(m, 3);
    ChainBatch batch = new ChainBatch(8);
    assertThat(d.popBatch(batch)).isEqualTo(3);
    // the last one alone first: out of order
    assertThat(d.push(batch.id(2), 0)).isEqualTo(RingError.OUT_OF_ORDER);
    assertThat(d.pushBatch(batch, 0)).isEqualTo(RingError.NONE);
    d.publish();
    int n = 0;
    while (q.pollUsed() != DriverQueue.EMPTY) {
      n++;
    }
    assertThat(n).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void underInOrderTheRestChainComesAfterTheSinglesOfItsBatch(String ring) {
    MockDriver m = mock(ring, 16, VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER));
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    long b = m.allocate(64);
    for (int lap = 0; lap < 3; lap++) {
      q.add(b, 64, false);
      q.add(b, 64, false);
      int multi = q.add(new long[] {m.allocate(10), m.allocate(20)}, new int[] {10, 20}, 1, 1);
      q.publish();
      ChainBatch batch = new ChainBatch(8);
      assertThat(d.popBatch(batch)).isEqualTo(3);
      assertThat(batch.rest().id()).isEqualTo(multi);
      assertThat(d.push(multi, 20)).as("the rest chain before the singles").isEqualTo(RingError.OUT_OF_ORDER);
      assertThat(d.pushBatch(batch, 0)).isEqualTo(RingError.NONE);
      assertThat(d.push(multi, 20)).isEqualTo(RingError.NONE);
      d.publish();
      assertThat(q.pollUsed(null, null, 8)).isEqualTo(3);
      assertThat(q.freeDescriptors()).isEqualTo(16);
    }
    assertThat(d.needsReset()).isFalse();
    assertThat(q.error()).isEqualTo(RingError.NONE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void aBatchNamingAnIdNoLongerInFlightPushesTheChainsBeforeItAndKeepsRunning(String ring) {
    MockDriver m = mock(ring, 16, 0);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    addSingles(m, 4);
    ChainBatch batch = new ChainBatch(8);
    assertThat(d.popBatch(batch)).isEqualTo(4);
    assertThat(d.push(batch.id(2), 7)).isEqualTo(RingError.NONE); // used on its own first
    assertThat(d.pushBatch(batch, 5)).isEqualTo(RingError.USED_ID_INVALID);
    d.publish();
    int[] ids = new int[8];
    int[] lens = new int[8];
    assertThat(q.pollUsed(ids, lens, 8)).isEqualTo(3);
    assertThat(new int[] {ids[0], ids[1], ids[2]}).containsExactly(batch.id(2), batch.id(0), batch.id(1));
    assertThat(new int[] {lens[0], lens[1], lens[2]}).containsExactly(7, 5, 5);
    assertThat(d.needsReset()).isFalse();
    assertThat(d.push(batch.id(3), 0)).as("the chain after the refusal is still in flight").isEqualTo(RingError.NONE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void underInOrderABatchPushesUpToTheFirstChainOutOfOrder(String ring) {
    MockDriver m = mock(ring, 16, VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER));
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    addSingles(m, 3);
    ChainBatch batch = new ChainBatch(4);
    assertThat(d.popBatch(batch)).isEqualTo(3);
    ChainBatch swapped = new ChainBatch(4);
    int[] order = {0, 2, 1};
    for (int i = 0; i < 3; i++) {
      swapped.set(i, batch.id(order[i]), batch.buffer(order[i]), batch.offset(order[i]), 64, false);
    }
    swapped.setCount(3);
    assertThat(d.pushBatch(swapped, 0)).isEqualTo(RingError.OUT_OF_ORDER);
    d.publish();
    int[] ids = new int[4];
    assertThat(q.pollUsed(ids, null, 4)).as("the chain before the refusal").isEqualTo(1);
    assertThat(ids[0]).isEqualTo(batch.id(0));
    assertThat(d.needsReset()).isFalse();
    assertThat(d.push(batch.id(1), 0)).isEqualTo(RingError.NONE);
    assertThat(d.push(batch.id(2), 0)).isEqualTo(RingError.NONE);
    d.publish();
    assertThat(q.pollUsed(ids, null, 4)).isEqualTo(2);
  }
}
