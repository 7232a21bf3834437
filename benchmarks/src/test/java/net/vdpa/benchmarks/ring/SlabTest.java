package net.vdpa.benchmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The buffers one side of a ring benchmark alone touches sit on cache lines of their own: allocated
 * one after the other with {@code ByteBuffer.allocateDirect}, a producer's template and a
 * consumer's buffer of 64 bytes often share a line (benchmarks/README.md, session s57).
 */
class SlabTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 8, 63, 64, 65, 1500})
  void ownBuffersStartOnALineAndHaveExactlyTheCapacityAskedFor(int bytes) {
    for (int i = 0; i < 16; i++) { // malloc alone puts a small buffer on a line in about 1 of 4
      ByteBuffer b = Slab.own(bytes);
      assertThat(b.isDirect()).isTrue();
      assertThat(b.capacity()).isEqualTo(bytes);
      assertThat(b.alignmentOffset(0, Slab.LINE)).as("buffer %d of %d bytes", i, bytes).isZero();
    }
  }

  @Test
  void theTemplateIsOnItsOwnLinesAndHoldsItsBytes() {
    ByteBuffer t = Slab.template(64);
    assertThat(t.alignmentOffset(0, Slab.LINE)).isZero();
    for (int i = 0; i < 64; i++) {
      assertThat(t.get(i)).isEqualTo((byte) i);
    }
  }
}
