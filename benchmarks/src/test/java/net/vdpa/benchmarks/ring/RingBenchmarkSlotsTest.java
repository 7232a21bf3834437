package net.vdpa.benchmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RingBenchmark}'s driver in each of its slot orders, on one thread: {@code fifo} and {@code
 * stack} touch every line of a call's slots with their stamps, a few slots at a time, fill them and
 * only then add them; {@code byId} fills each slot just before adding it. In every order every posted
 * payload arrives, lap after lap, and after every device call its copy of the last payload is whole:
 * the last stamp it took, then the template's bytes (the copy must not survive the stamp). A call
 * touches and fills only free slots: the slots of the call before, still in flight, keep every byte
 * it wrote.
 */
class RingBenchmarkSlotsTest {
  @ParameterizedTest
  @CsvSource({"split,fifo,true", "split,stack,true", "split,byId,true", "packed,fifo,true",
      "packed,stack,true", "packed,byId,true", "split-1500,fifo,true", "split-1500,stack,true",
      "packed-1500,fifo,true", "split,fifo,false", "split-1500,fifo,false"})
  void everyPayloadArrivesWholeInEveryOrder(String ring, String slots, boolean touch) {
    final RingBenchmark b =
        ring(ring.startsWith("split") ? "split" : "packed", ring.endsWith("1500") ? 1500 : 64, slots, touch);
    b.setUp();
    final Posts p = new Posts();
    final Transfers t = new Transfers();
    final ByteBuffer copy = b.device.own.duplicate().order(b.driver.memory.order());
    for (int call = 0; call < 200; call++) { // up to 32 a call: 25 laps of the 256 slots
      b.driver(p);
      b.device(t);
      // the device copies in the order the driver stamped: its last copy carries the last stamp
      assertThat(copy.getLong(0)).as("call %d", call).isEqualTo(t.transfers - 1); // stamps count from 0
      for (int i = 8; i < b.payload; i++) {
        assertThat(copy.get(i)).as("byte %d", i).isEqualTo((byte) i);
      }
    }
    assertThat(p.posted).isGreaterThan(10L * Slab.SLOTS);
    assertThat(t.transfers).isEqualTo(p.posted);
  }

  @ParameterizedTest
  @CsvSource({"fifo,64", "stack,64", "byId,64", "fifo,1500", "stack,1500"})
  void aCallTouchesAndFillsOnlyFreeSlots(String slots, int payload) {
    // two driver calls and no device: the second call's touch and fill must leave every byte of the
    // first call's slots, in flight now, as the first call wrote them
    final RingBenchmark b = ring("split", payload, slots, true);
    b.setUp();
    final Posts p = new Posts();
    b.driver(p);
    final long[] first = stamps(b);
    final byte[][] written = slotBytes(b);
    b.driver(p);
    final long[] second = stamps(b);
    final byte[][] after = slotBytes(b);
    int filledFirst = 0;
    int filledBoth = 0;
    for (int slot = 0; slot < Slab.SLOTS; slot++) {
      if (first[slot] >= 0) {
        filledFirst++;
        assertThat(second[slot]).as("slot %d", slot).isEqualTo(first[slot]);
        assertThat(after[slot]).as("slot %d", slot).isEqualTo(written[slot]);
      }
      if (second[slot] >= 0) {
        filledBoth++;
      }
    }
    assertThat(filledFirst).isEqualTo(32);
    assertThat(filledBoth).isEqualTo(64);
    assertThat(p.posted).isEqualTo(64);
  }

  /** The benchmark with batch 32, not yet set up. */
  private static RingBenchmark ring(String ring, int payload, String slots, boolean touch) {
    final RingBenchmark b = new RingBenchmark();
    b.ring = ring;
    b.payload = payload;
    b.batch = 32;
    b.slots = slots;
    b.touch = touch;
    return b;
  }

  /** Each slot's stamp, or -1 if the template was never copied into it. */
  private static long[] stamps(RingBenchmark b) {
    final long[] s = new long[Slab.SLOTS];
    for (int slot = 0; slot < Slab.SLOTS; slot++) {
      final int o = b.driver.slotOffset[slot];
      s[slot] = b.driver.memory.get(o + 8) == 8 ? b.driver.memory.getLong(o) : -1;
    }
    return s;
  }

  /** Each slot's bytes, its whole stride. */
  private static byte[][] slotBytes(RingBenchmark b) {
    final int stride = Slab.stride(b.payload);
    final byte[][] s = new byte[Slab.SLOTS][stride];
    for (int slot = 0; slot < Slab.SLOTS; slot++) {
      b.driver.memory.get(b.driver.slotOffset[slot], s[slot]);
    }
    return s;
  }

  @Test
  void anUnknownOrderIsRefusedByName() {
    final RingBenchmark b = ring("split", 64, "lifo", true);
    assertThatThrownBy(b::setUp).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifo");
  }
}
