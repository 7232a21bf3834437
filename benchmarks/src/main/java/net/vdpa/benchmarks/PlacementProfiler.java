package net.vdpa.benchmarks;

import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

/**
 * A JMH profiler that records, for every measured iteration, the cross-core round trip
 * ({@link CoreProbe#measure}) just before it starts and just after it ends, as the secondary
 * results {@code rtt.before} and {@code rtt.after} (ns). On a 2-vCPU machine whose host moves
 * the vCPUs between near and far cores every few seconds, an iteration whose two probes agree
 * ran in one placement; {@code interleaved-summary.py} compares configurations inside one
 * placement from these figures. Each probe takes about 1-5 ms of the time between iterations,
 * when the benchmark's own threads are idle; a benchmark whose background threads spin between
 * iterations (rather than yield) would slow the probe, not the benchmark.
 *
 * <p>Usage: {@code -prof net.vdpa.benchmarks.PlacementProfiler} (interleave.py adds it to every
 * fork unless given {@code --no-placement}); with another project's jar, put this one on the
 * class path after it and run {@code org.openjdk.jmh.Main}.
 */
public final class PlacementProfiler implements InternalProfiler {
  /** Round trips per sample: about 0.1 ms near, 0.4 ms far. */
  private static final int PER_SAMPLE = 1_000;
  private static final int SAMPLES = 5;

  private double before = Double.NaN;

  @Override
  public String getDescription() {
    return "cross-core round trip before and after each measured iteration (vCPU placement)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    before = probe(); // in warm-up iterations too, so that the probe's own code is compiled
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    double after = probe();
    if (iteration.getType() != IterationType.MEASUREMENT) {
      return List.of();
    }
    return List.of(
        new ScalarResult("rtt.before", before, "ns", AggregationPolicy.AVG),
        new ScalarResult("rtt.after", after, "ns", AggregationPolicy.AVG));
  }

  private static double probe() {
    try {
      return CoreProbe.measure(PER_SAMPLE, SAMPLES)[SAMPLES / 2];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }
}
