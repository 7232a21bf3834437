package net.vdpa.benchmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RingBenchmark}'s driver in each of its slot orders, on one thread: {@code fifo} and {@code
 * stack} touch a call's slots with their stamps, fill them and only then add them; {@code byId}
 * fills each slot just before adding it. In every order every posted payload arrives, lap after lap,
 * and the device's copy of the last one is whole: the driver's last stamp, then the template's bytes
 * (the early touch must not survive the copy, nor the copy the stamp).
 */
class RingBenchmarkSlotsTest {
  @ParameterizedTest
  @CsvSource({"split,fifo,true", "split,stack,true", "split,byId,true", "packed,fifo,true",
      "packed,stack,true", "packed,byId,true", "split-1500,fifo,true", "split,fifo,false"})
  void everyPayloadArrivesWholeInEveryOrder(String ring, String slots, boolean touch) {
    final RingBenchmark b = new RingBenchmark();
    b.ring = ring.startsWith("split") ? "split" : "packed";
    b.payload = ring.endsWith("1500") ? 1500 : 64;
    b.batch = 32;
    b.slots = slots;
    b.touch = touch;
    b.setUp();
    final Posts p = new Posts();
    final Transfers t = new Transfers();
    for (int call = 0; call < 200; call++) { // up to 32 a call: 25 laps of the 256 slots
      b.driver(p);
      b.device(t);
    }
    assertThat(p.posted).isGreaterThan(10L * Slab.SLOTS);
    assertThat(t.transfers).isEqualTo(p.posted);
    final ByteBuffer copy = b.device.own.duplicate().order(b.driver.memory.order());
    assertThat(copy.getLong(0)).isEqualTo(p.posted - 1); // stamps count from 0
    for (int i = 8; i < b.payload; i++) {
      assertThat(copy.get(i)).as("byte %d", i).isEqualTo((byte) i);
    }
  }

  @Test
  void anUnknownOrderIsRefusedByName() {
    final RingBenchmark b = new RingBenchmark();
    b.ring = "split";
    b.payload = 64;
    b.batch = 32;
    b.slots = "lifo";
    assertThatThrownBy(b::setUp).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifo");
  }
}
