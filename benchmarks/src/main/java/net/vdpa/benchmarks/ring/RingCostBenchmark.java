package net.vdpa.benchmarks.ring;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU cost of one transfer with no cross-core traffic: {@link RingBenchmark}'s driver and
 * device code run one after the other on one thread, 32 payloads per call, in nanoseconds per
 * transfer. Coherence is what a two-thread run adds on top; this figure is what the code itself
 * costs, and it needs only one free CPU, so it stays readable on a loaded machine. Used to find and
 * check each change before the interleaved two-thread runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class RingCostBenchmark {
  @Param({"split", "packed"})
  public String ring;

  @Param({"64", "1500"})
  public int payload;

  RingBenchmark bench;
  Posts posts;
  Transfers transfers;

  /** Builds the ring benchmark's state with batch 32. */
  @Setup(Level.Trial)
  public void setUp() {
    bench = new RingBenchmark();
    bench.ring = ring;
    bench.payload = payload;
    bench.batch = 32;
    bench.setUp();
    posts = new Posts();
    transfers = new Transfers();
  }

  /** One driver call (reap below 32 free, add 32, publish) and one device call (32 popped and pushed). */
  @Benchmark
  @OperationsPerInvocation(32)
  public long transfer() {
    bench.driver(posts);
    bench.device(transfers);
    return transfers.transfers;
  }
}
