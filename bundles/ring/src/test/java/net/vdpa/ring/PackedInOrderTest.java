package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A packed queue with VIRTIO_F_IN_ORDER: the device writes one used descriptor for a run of chains
 * it only read, and the driver takes back every chain a used descriptor stands for.
 */
class PackedInOrderTest {
  private static final long IN_ORDER = VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER);

  private static MockDriver queue(int size) {
    return MockDriver.packed(size, IN_ORDER, 1 << 20);
  }

  /** The flags of ring slot {@code i}. */
  private static int flags(MockDriver m, int i) {
    return (int) RawRing.of(m).get(m.config().descAddr() + 16L * i + PackedLayout.DESC_FLAGS, 2);
  }

  private static int id(MockDriver m, int i) {
    return (int) RawRing.of(m).get(m.config().descAddr() + 16L * i + PackedLayout.DESC_ID, 2);
  }

  /** Adds a buffer per length (device-writable when the length is not 0), the device uses them with it. */
  private static int[] addAndUse(MockDriver m, DeviceQueue dev, int... lens) {
    int[] ids = new int[lens.length];
    for (int i = 0; i < lens.length; i++) {
      ids[i] = m.queue().add(m.allocate(64), 64, lens[i] != 0);
    }
    m.queue().publish();
    DescriptorChain c = new DescriptorChain(4);
    for (int i = 0; i < lens.length; i++) {
      assertThat(dev.pop(c)).isTrue();
      assertThat(c.id()).isEqualTo(ids[i]);
      assertThat(dev.push(c.id(), lens[i])).isEqualTo(RingError.NONE);
    }
    dev.publish();
    return ids;
  }

  @Test
  void aRunOfReadOnlyChainsIsOneUsedDescriptorNamingItsLastId() {
    MockDriver m = queue(8);
    DeviceQueue dev = m.newDevice();
    int[] ids = addAndUse(m, dev, 0, 0, 0);
    assertThat(flags(m, 0) & PackedLayout.usedBits(true)).as("slot 0 used").isEqualTo(PackedLayout.usedBits(true));
    assertThat(id(m, 0)).isEqualTo(ids[2]);
    assertThat(flags(m, 1)).as("slot 1 still as the driver made it available").isEqualTo(PackedLayout.availBits(true));
    assertThat(flags(m, 2)).isEqualTo(PackedLayout.availBits(true));
    for (int id : ids) {
      assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(id, 0));
    }
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
    assertThat(m.queue().error()).isEqualTo(RingError.NONE);
  }

  @Test
  void aWritableBufferEndsTheRunAndKeepsItsLength() {
    MockDriver m = queue(8);
    DeviceQueue dev = m.newDevice();
    int[] ids = addAndUse(m, dev, 0, 0, 50, 0);
    assertThat(id(m, 0)).isEqualTo(ids[1]);
    assertThat(id(m, 2)).isEqualTo(ids[2]);
    assertThat(id(m, 3)).isEqualTo(ids[3]);
    int[] got = new int[8];
    int[] lens = new int[8];
    assertThat(m.queue().pollUsed(got, lens, 8)).isEqualTo(4);
    assertThat(got).startsWith(ids);
    assertThat(lens).startsWith(0, 0, 50, 0);
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
  }

  /** As DPDK's packed receive path needs: it reads one used descriptor per buffer. */
  @Test
  void writableChainsUsedWithLengthZeroKeepADescriptorEach() {
    MockDriver m = queue(8);
    DeviceQueue dev = m.newDevice();
    int[] ids = new int[3];
    for (int i = 0; i < 3; i++) {
      ids[i] = m.queue().add(m.allocate(64), 64, true);
    }
    m.queue().publish();
    DescriptorChain c = new DescriptorChain(4);
    for (int i = 0; i < 3; i++) {
      assertThat(dev.pop(c)).isTrue();
      assertThat(dev.push(c.id(), 0)).isEqualTo(RingError.NONE);
    }
    dev.publish();
    for (int i = 0; i < 3; i++) {
      assertThat(id(m, i)).isEqualTo(ids[i]);
      assertThat(flags(m, i)).isEqualTo(PackedLayout.usedBits(true));
    }
  }

  @Test
  void aBurstMayEndInsideARunAndTheNextTakesTheRest() {
    MockDriver m = queue(8);
    DeviceQueue dev = m.newDevice();
    int[] ids = addAndUse(m, dev, 0, 0, 0, 0, 0);
    int[] got = new int[8];
    assertThat(m.queue().pollUsed(got, null, 2)).isEqualTo(2);
    assertThat(got).startsWith(ids[0], ids[1]);
    assertThat(m.queue().enableInterrupts()).as("three more wait").isTrue();
    m.queue().disableInterrupts();
    assertThat(m.queue().pollUsed(got, null, 8)).isEqualTo(3);
    assertThat(got).startsWith(ids[2], ids[3], ids[4]);
    assertThat(m.queue().enableInterrupts()).isFalse();
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
  }

  /**
   * Chains of one to three descriptors, batches of any size, over many laps of a queue of 8 and of
   * 7 (the order bookkeeping wraps at any size). Every chain with a writable buffer gets a used
   * descriptor at its head; read-only chains in a run share one, so fewer heads are written than
   * chains are used.
   */
  @ParameterizedTest
  @ValueSource(ints = {8, 7})
  void runsOfChainsAcrossLapsComeBackInOrderWithEveryDescriptorFreed(int size) {
    MockDriver m = queue(size);
    DeviceQueue dev = m.newDevice();
    SplittableRandom rnd = new SplittableRandom(14);
    DescriptorChain c = new DescriptorChain(8);
    ArrayDeque<Integer> sent = new ArrayDeque<>();
    Map<Integer, Integer> usedLen = new HashMap<>();
    int[] got = new int[size];
    int[] lens = new int[size];
    int slot = 0;
    boolean lap = true;
    int chains = 0;
    int headsWritten = 0;
    for (int round = 0; round < 400; round++) {
      List<int[]> heads = new ArrayList<>(); // {slot, lap ? 1 : 0, writable ? 1 : 0}
      while (true) {
        int n = 1 + rnd.nextInt(3);
        if (m.queue().freeDescriptors() < n || rnd.nextInt(4) == 0) {
          break;
        }
        long[] addrs = new long[n];
        int[] ls = new int[n];
        for (int k = 0; k < n; k++) {
          addrs[k] = m.allocate(16);
          ls[k] = 16;
        }
        int readable = rnd.nextInt(4) == 0 ? rnd.nextInt(n) : n;
        sent.add(m.queue().add(addrs, ls, readable, n - readable));
        heads.add(new int[] {slot, lap ? 1 : 0, readable < n ? 1 : 0});
        slot += n;
        if (slot >= size) {
          slot -= size;
          lap = !lap;
        }
      }
      m.queue().publish();
      while (dev.pop(c)) {
        boolean writable = c.readableSegments() < c.segments();
        int len = writable && rnd.nextBoolean() ? 7 : 0;
        usedLen.put(c.id(), len);
        assertThat(dev.push(c.id(), len)).isEqualTo(RingError.NONE);
        if (rnd.nextInt(3) == 0) {
          dev.publish();
        }
      }
      dev.publish();
      for (int[] h : heads) {
        int f = flags(m, h[0]);
        boolean written = (f & ~PackedLayout.F_WRITE) == PackedLayout.usedBits(h[1] == 1);
        assertThat(written || h[2] == 0).as("round " + round + ": a writable chain's head is written").isTrue();
        headsWritten += written ? 1 : 0;
      }
      chains += heads.size();
      int k;
      while ((k = m.queue().pollUsed(got, lens, 1 + rnd.nextInt(size))) > 0) {
        for (int i = 0; i < k; i++) {
          assertThat(got[i]).as("round " + round).isEqualTo(sent.poll());
          assertThat(lens[i]).as("round " + round).isEqualTo(usedLen.get(got[i]));
        }
      }
      assertThat(sent).as("round " + round).isEmpty();
      assertThat(m.queue().freeDescriptors()).as("round " + round).isEqualTo(size);
      assertThat(m.queue().error()).isEqualTo(RingError.NONE);
      assertThat(dev.needsReset()).isFalse();
    }
    assertThat(headsWritten).as("used descriptors written for " + chains + " chains").isLessThan(chains * 9 / 10);
  }

  @Test
  void aRunAcrossTheRingEndCarriesTheUsedBitsOfItsFirstSlot() {
    MockDriver m = queue(8);
    DeviceQueue dev = m.newDevice();
    addAndUse(m, dev, 0, 0, 0, 0, 0, 0);
    int[] got = new int[8];
    assertThat(m.queue().pollUsed(got, null, 8)).isEqualTo(6);
    int[] ids = addAndUse(m, dev, 0, 0, 0, 0); // slots 6, 7, then 0 and 1 of the next lap
    assertThat(id(m, 6)).isEqualTo(ids[3]);
    assertThat(flags(m, 6)).isEqualTo(PackedLayout.usedBits(true));
    assertThat(flags(m, 0)).as("made available in the second lap, not written")
        .isEqualTo(PackedLayout.availBits(false));
    assertThat(m.queue().pollUsed(got, null, 8)).isEqualTo(4);
    assertThat(got).startsWith(ids);
    int[] next = addAndUse(m, dev, 0);
    assertThat(id(m, 2)).isEqualTo(next[0]);
    assertThat(flags(m, 2)).isEqualTo(PackedLayout.usedBits(false));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(next[0], 0));
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
  }

  @Test
  void nothingOfABatchThatStartsWithARunLooksUsedBeforeThePublish() {
    MockDriver m = queue(8);
    DeviceQueue dev = m.newDevice();
    for (int i = 0; i < 3; i++) {
      m.queue().add(m.allocate(64), 64, false);
    }
    m.queue().publish();
    DescriptorChain c = new DescriptorChain(4);
    for (int i = 0; i < 3; i++) {
      assertThat(dev.pop(c)).isTrue();
      assertThat(dev.push(c.id(), 0)).isEqualTo(RingError.NONE);
    }
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    dev.publish();
    assertThat(m.queue().pollUsed()).isNotEqualTo(DriverQueue.EMPTY);
  }

  @Test
  void aUsedDescriptorMayStandForEveryChainUpToTheIdItNames() {
    MockDriver m = queue(8);
    long buf = m.allocate(64);
    int a = m.queue().add(buf, 64, true);
    int b = m.queue().add(buf, 64, true);
    int c = m.queue().add(buf, 64, true);
    m.queue().publish();
    ((RawRing.Packed) RawRing.of(m)).desc(0, 0, 99, c, PackedLayout.usedBits(true) | PackedLayout.F_WRITE);
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(a, 0));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(b, 0));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(c, 99));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
    assertThat(m.queue().error()).isEqualTo(RingError.NONE);
  }

  /** A used descriptor at slot 0 naming {@code id}, after one buffer was added and published. */
  private static MockDriver usedNaming(int id) {
    MockDriver m = queue(8);
    m.queue().add(m.allocate(64), 64, true);
    m.queue().publish();
    ((RawRing.Packed) RawRing.of(m)).desc(0, 0, 0, id, PackedLayout.usedBits(true));
    return m;
  }

  @Test
  void aUsedDescriptorNamingNoIdInFlightStopsTheDriver() {
    for (int id : new int[] {1, 7, 8, 0xffff}) {
      MockDriver m = usedNaming(id);
      assertThat(m.queue().pollUsed()).as("id " + id).isEqualTo(DriverQueue.EMPTY);
      assertThat(m.queue().error()).as("id " + id).isEqualTo(RingError.USED_ID_INVALID);
      assertThat(m.queue().freeDescriptors()).as("nothing taken back").isEqualTo(7);
    }
  }

  @Test
  void aUsedDescriptorNamingAChainAddedSinceThePublishStopsTheDriver() {
    MockDriver m = usedNaming(1);
    m.queue().add(m.allocate(64), 64, true); // id 1, not published: the device cannot have it
    int[] got = new int[8];
    assertThat(m.queue().pollUsed(got, null, 8)).as("the published chain comes back").isEqualTo(1);
    assertThat(m.queue().error()).isEqualTo(RingError.USED_ID_INVALID);
  }

  @Test
  void anIdUsedTwiceStopsTheDriver() {
    MockDriver m = usedNaming(0);
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(0, 0));
    m.queue().add(m.allocate(64), 64, true);
    m.queue().publish();
    ((RawRing.Packed) RawRing.of(m)).desc(1, 0, 0, 0, PackedLayout.usedBits(true));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().error()).isEqualTo(RingError.USED_ID_INVALID);
  }
}
