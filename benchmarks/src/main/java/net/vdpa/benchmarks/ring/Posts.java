package net.vdpa.benchmarks.ring;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-thread producer counters: payloads handed over, and calls that found no free slot (the
 * producer ran ahead of the consumer). Reported beside {@link Transfers}; not the figure.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Posts {
  /** Payloads the producer filled and handed over in this iteration. */
  public long posted;
  /** Producer calls that found nothing free in this iteration. */
  public long full;

  /** Clears the counters before each iteration. */
  @Setup(Level.Iteration)
  public void clear() {
    posted = 0;
    full = 0;
  }
}
