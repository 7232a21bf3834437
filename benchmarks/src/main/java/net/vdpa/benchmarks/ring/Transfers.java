package net.vdpa.benchmarks.ring;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Per-thread counter of payloads that reached the consumer: the figure every benchmark reports. */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Transfers {
  /** Payloads copied by the consumer (device) in this iteration. */
  public long transfers;

  /** Clears the counter before each iteration. */
  @Setup(Level.Iteration)
  public void clear() {
    transfers = 0;
  }
}
