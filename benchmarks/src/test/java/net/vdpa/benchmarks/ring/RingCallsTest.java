package net.vdpa.benchmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ring configurations the diagnostics ({@link RingPairs}, {@link RingSides}, {@link RingCpuCost})
 * run, driven on one thread: every one moves every payload it posts, lap after lap of its 256
 * descriptors, and the device's copy of the last one holds the driver's last sequence number, also
 * in the packed floor ({@link PlainPackedBenchmark}), in the two that pair one side of the floor
 * ({@link PlainSplitBenchmark}) with the other side of the ring bundle over the ring's memory (a
 * descriptor the floor's driver writes must pass the bundle device's checks and IOTLB, and the
 * floor's device must find the bundle driver's slots), and in the floor's two halves over that
 * memory.
 */
class RingCallsTest {
  @ParameterizedTest
  @ValueSource(strings = {"split", "packed", "plain", "plain-packed", "plain-packed-in-order", "plain-packed-driver", "plain-packed-device", "plain-driver", "plain-device", "plain-over"})
  void everyPostedPayloadIsTransferredAndTheLastOneIsTheDriversLast(String ring) {
    RingCalls c = RingCalls.of(ring, 64);
    for (int call = 0; call < 200; call++) { // 200 calls of up to 32: 25 laps of the ring
      c.driver().run();
      c.device().run();
    }
    assertThat(c.posts().posted).isGreaterThan(10 * Slab.SLOTS);
    assertThat(c.transfers().transfers).isEqualTo(c.posts().posted);
    assertThat(c.lastStamp().getAsLong()).isEqualTo(c.posts().posted - 1); // stamps count from 0
  }

  @Test
  void anUnknownRingIsRefusedByName() {
    assertThatThrownBy(() -> RingCalls.of("splt", 64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("splt");
  }

  @Test
  void theFloorMustCarryTheSamePayload() {
    RingBenchmark ring = new RingBenchmark();
    ring.ring = "split";
    ring.payload = 64;
    ring.batch = 32;
    ring.setUp();
    PlainSplitBenchmark floor = new PlainSplitBenchmark();
    floor.payload = 1500;
    floor.batch = 32;
    assertThatThrownBy(() -> ring.floorMemory(floor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1500")
        .hasMessageContaining("64");
  }

  @Test
  void thePackedFloorNeedsAPackedRingWithTheSameInOrder() {
    PlainPackedBenchmark floor = new PlainPackedBenchmark();
    floor.payload = 64;
    floor.batch = 32;
    RingBenchmark split = new RingBenchmark();
    split.ring = "split";
    split.payload = 64;
    split.batch = 32;
    split.setUp();
    assertThatThrownBy(() -> split.floorMemory(floor))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("packed ring, not split");
    RingBenchmark packed = new RingBenchmark();
    packed.ring = "packed";
    packed.payload = 64;
    packed.batch = 32;
    packed.setUp();
    floor.inOrder = true;
    assertThatThrownBy(() -> packed.floorMemory(floor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IN_ORDER true");
  }
}
