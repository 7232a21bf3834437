package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.ring.testing.OrderingStress;
import org.junit.jupiter.api.Test;

/**
 * Two threads, one ring: no torn or reordered index over 5 x 10^6 transfers per ring type (the
 * 10^8 run is {@code net.vdpa.benchmarks.ring.OrderingStressMain} in the benchmarks module).
 */
class OrderingStressTest {
  static final long TRANSFERS = 5_000_000L;
  /** Generous: on a loaded 2-core machine the two threads may share one core for a while. */
  static final long TIMEOUT_MS = 150_000;

  @Test
  void splitRingKeepsOrderAcrossThreads() throws InterruptedException {
    OrderingStress.Result r = OrderingStress.run(false, 256, TRANSFERS, 64, TIMEOUT_MS);
    assertThat(r.firstProblem()).isNull();
    assertThat(r.mismatches()).isZero();
    assertThat(r.transfers()).isEqualTo(TRANSFERS);
  }

  @Test
  void packedRingKeepsOrderAcrossThreads() throws InterruptedException {
    OrderingStress.Result r = OrderingStress.run(true, 256, TRANSFERS, 64, TIMEOUT_MS);
    assertThat(r.firstProblem()).isNull();
    assertThat(r.mismatches()).isZero();
    assertThat(r.transfers()).isEqualTo(TRANSFERS);
  }

  @Test
  void smallRingWrapsOftenAndKeepsOrder() throws InterruptedException {
    OrderingStress.Result r = OrderingStress.run(false, 4, 300_000L, 3, TIMEOUT_MS);
    assertThat(r.firstProblem()).isNull();
    assertThat(r.transfers()).isEqualTo(300_000L);
    OrderingStress.Result p = OrderingStress.run(true, 5, 300_000L, 3, TIMEOUT_MS);
    assertThat(p.firstProblem()).isNull();
    assertThat(p.transfers()).isEqualTo(300_000L);
  }
}
