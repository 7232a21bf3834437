package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.ring.split.SplitDriver;
import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The split driver with VIRTIO_F_IN_ORDER, which keeps no free list: descriptors go round in ring
 * order, chains take the next descriptors (wrapping at the table's end), and a used element must
 * name the oldest chain in flight or, for a batch, a later chain's head. Whatever else a device
 * writes stops the queue, and a stopped queue (with IN_ORDER or without) takes nothing more back.
 */
class SplitInOrderDriverTest {
  private static final long IN_ORDER = VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER);

  /** Writes used element {@code slot} and sets the used index to {@code idx}, as a device would. */
  private static void used(RawRing r, int slot, int id, int len, int idx) {
    long u = r.config.deviceAddr();
    r.put(u + SplitLayout.USED_RING + 8L * slot, id, 4);
    r.put(u + SplitLayout.USED_RING + 8L * slot + 4, len, 4);
    r.put(u + SplitLayout.USED_IDX, idx, 2);
  }

  /** A queue of 8 with two published one-descriptor chains of 16 writable bytes, ids 0 and 1. */
  private static MockDriver twoChains(long features) {
    MockDriver m = MockDriver.split(8, features, 1 << 16);
    assertThat(m.queue().add(m.allocate(16), 16, true)).isZero();
    assertThat(m.queue().add(m.allocate(16), 16, true)).isEqualTo(1);
    m.queue().publish();
    return m;
  }

  private static long descriptor(MockDriver m, int i, long field, int bytes) {
    return RawRing.of(m).get(m.config().descAddr() + SplitLayout.DESC_SIZE * (long) i + field, bytes);
  }

  @Test
  void descriptorsGoRoundInRingOrderAndAChainWrapsAtTheTableEnd() {
    MockDriver m = MockDriver.split(8, IN_ORDER, 1 << 16);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    DescriptorChain c = new DescriptorChain(8);
    for (int i = 0; i < 6; i++) {
      assertThat(q.nextId()).isEqualTo(i);
      assertThat(q.add(m.allocate(64), 64, false)).isEqualTo(i);
    }
    q.publish();
    for (int i = 0; i < 6; i++) {
      assertThat(d.pop(c)).isTrue();
      assertThat(d.push(c.id(), 0)).isEqualTo(RingError.NONE);
    }
    d.publish();
    assertThat(q.pollUsed(null, null, 8)).isEqualTo(6);
    assertThat(q.freeDescriptors()).isEqualTo(8);

    long[] addrs = {m.allocate(16), m.allocate(16), m.allocate(32)};
    int head = q.add(addrs, new int[] {16, 16, 32}, 2, 1);
    assertThat(head).isEqualTo(6);
    assertThat(q.freeDescriptors()).isEqualTo(5);
    assertThat(q.nextId()).isEqualTo(1);
    // descriptors 6, 7 and 0, linked in that order; the last one writable and without NEXT
    assertThat(descriptor(m, 6, SplitLayout.DESC_NEXT, 2)).isEqualTo(7);
    assertThat(descriptor(m, 7, SplitLayout.DESC_NEXT, 2)).isEqualTo(0);
    assertThat(descriptor(m, 6, SplitLayout.DESC_FLAGS, 2)).isEqualTo(SplitLayout.F_NEXT);
    assertThat(descriptor(m, 0, SplitLayout.DESC_FLAGS, 2)).isEqualTo(SplitLayout.F_WRITE);
    assertThat(descriptor(m, 0, SplitLayout.DESC_ADDR, 8)).isEqualTo(addrs[2]);
    q.publish();
    assertThat(d.pop(c)).isTrue();
    assertThat(c.id()).isEqualTo(6);
    assertThat(c.descriptorCount()).isEqualTo(3);
    assertThat(c.readableBytes()).isEqualTo(32);
    assertThat(c.writableBytes()).isEqualTo(32);
    assertThat(d.push(6, 32)).isEqualTo(RingError.NONE);
    d.publish();
    int[] ids = new int[8];
    int[] lens = new int[8];
    assertThat(q.pollUsed(ids, lens, 8)).isEqualTo(1);
    assertThat(ids[0]).isEqualTo(6);
    assertThat(lens[0]).isEqualTo(32);
    assertThat(q.freeDescriptors()).isEqualTo(8);
    assertThat(q.nextId()).isEqualTo(1);
    // and one at a time: a chain of two from descriptor 1
    assertThat(q.add(new long[] {addrs[0], addrs[1]}, new int[] {16, 16}, 2, 0)).isEqualTo(1);
    q.publish();
    assertThat(d.pop(c)).isTrue();
    assertThat(d.push(c.id(), 0)).isEqualTo(RingError.NONE);
    d.publish();
    assertThat(q.pollUsed()).isEqualTo(DriverQueue.used(1, 0));
    assertThat(q.nextId()).isEqualTo(3);
    assertThat(q.error()).isEqualTo(RingError.NONE);
  }

  @Test
  void aUsedElementNamingADescriptorInsideAChainStopsTheDriver() {
    MockDriver m = MockDriver.split(8, IN_ORDER, 1 << 16);
    DriverQueue q = m.queue();
    long[] addrs = {m.allocate(16), m.allocate(16), m.allocate(16)};
    assertThat(q.add(addrs, new int[] {16, 16, 16}, 3, 0)).isZero();
    assertThat(q.add(m.allocate(16), 16, true)).isEqualTo(3);
    q.publish();
    used(RawRing.of(m), 0, 1, 0, 1);
    assertThat(q.pollUsed(new int[8], null, 8)).isZero();
    assertThat(q.error()).isEqualTo(RingError.USED_ID_INVALID);
    assertThat(q.add(m.allocate(16), 16, true)).isEqualTo(DriverQueue.FULL);
  }

  @Test
  void aUsedElementNamingAChainAlreadyTakenBackStopsTheDriver() {
    MockDriver m = twoChains(IN_ORDER);
    DriverQueue q = m.queue();
    RawRing r = RawRing.of(m);
    used(r, 0, 0, 16, 1);
    used(r, 1, 0, 16, 2);
    int[] ids = new int[8];
    assertThat(q.pollUsed(ids, null, 8)).isEqualTo(1);
    assertThat(ids[0]).isZero();
    assertThat(q.error()).isEqualTo(RingError.USED_ID_INVALID);
    assertThat(q.freeDescriptors()).isEqualTo(7);
  }

  @Test
  void aUsedElementAfterTheLastChainInFlightStopsTheDriver() {
    MockDriver m = twoChains(IN_ORDER);
    DriverQueue q = m.queue();
    RawRing r = RawRing.of(m);
    used(r, 0, 1, 16, 1); // both chains
    used(r, 1, 2, 16, 2); // where the next chain would start: none is in flight
    int[] ids = new int[8];
    assertThat(q.pollUsed(ids, null, 8)).isEqualTo(2);
    assertThat(ids).startsWith(0, 1);
    assertThat(q.error()).isEqualTo(RingError.USED_ID_INVALID);
    assertThat(q.freeDescriptors()).isEqualTo(8);
    assertThat(((SplitDriver) q).inFlight()).isZero();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aStoppedDriverTakesNothingBackWhateverTheDeviceWritesLater(boolean inOrder) {
    MockDriver m = twoChains(inOrder ? IN_ORDER : 0);
    DriverQueue q = m.queue();
    RawRing r = RawRing.of(m);
    used(r, 0, 5, 16, 1);
    assertThat(q.pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(q.error()).isEqualTo(RingError.USED_ID_INVALID);
    used(r, 0, 0, 16, 1); // the same element, now naming the chain in flight
    used(r, 1, 1, 16, 2);
    assertThat(q.pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(q.pollUsed(new int[8], null, 8)).isZero();
    assertThat(q.freeDescriptors()).isEqualTo(6);
    assertThat(q.add(m.allocate(16), 16, true)).isEqualTo(DriverQueue.FULL);
  }

  @Test
  void aBurstTakesEveryChainABatchElementStandsForEvenAcrossCalls() {
    MockDriver m = MockDriver.split(8, IN_ORDER, 1 << 16);
    DriverQueue q = m.queue();
    for (int i = 0; i < 5; i++) {
      assertThat(q.add(m.allocate(64), 64, true)).isEqualTo(i);
    }
    q.publish();
    RawRing r = RawRing.of(m);
    used(r, 0, 0, 10, 1);
    used(r, 1, 3, 30, 2); // one element for chains 1, 2 and 3
    used(r, 2, 4, 40, 3);
    int[] ids = new int[8];
    int[] lens = new int[8];
    assertThat(q.pollUsed(ids, lens, 2)).isEqualTo(2);
    assertThat(ids).startsWith(0, 1);
    assertThat(lens).startsWith(10, 0);
    assertThat(q.pollUsed(ids, lens, 8)).isEqualTo(3);
    assertThat(ids).startsWith(2, 3, 4);
    assertThat(lens).startsWith(0, 30, 40);
    assertThat(q.pollUsed(ids, lens, 8)).isZero();
    assertThat(q.freeDescriptors()).isEqualTo(8);
    assertThat(((SplitDriver) q).inFlight()).isZero();
    assertThat(q.error()).isEqualTo(RingError.NONE);
  }
}
