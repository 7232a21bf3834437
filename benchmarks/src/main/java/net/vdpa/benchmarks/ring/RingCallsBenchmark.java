package net.vdpa.benchmarks.ring;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The {@link RingCalls} configurations as a JMH group of two threads, 64 B, batch 32: the floor's
 * driver with the ring bundle's device ({@code plain-driver}) and the other way round ({@code
 * plain-device}) among them, and the same two halves of the packed floor ({@code plain-packed-driver},
 * {@code plain-packed-device}), which {@link RingPairs} otherwise runs outside JMH. In {@code
 * RingPairs} every configuration's calls share one spinning loop, so a JVM compiles them with each
 * other's profiles; here a fork runs one configuration, as the interleaved sets do (the floor drew
 * its fast rate in 8 of 11 near forks of session s46's runs). Counted: payloads the device copied,
 * and the driver's posts and calls that found the ring full. A diagnostic beside {@link
 * RingBenchmark}, not a target: each call goes through a {@link Runnable} and counters read before
 * and after.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class RingCallsBenchmark {
  /** One of {@link RingCalls#NAMES}. */
  @Param({"split", "packed", "plain", "plain-driver", "plain-device", "plain-over", "plain-packed",
      "plain-packed-driver", "plain-packed-device"})
  public String config;

  RingCalls calls;

  /** Sets up the configuration's benchmark. */
  @Setup(Level.Trial)
  public void setUp() {
    calls = RingCalls.of(config, 64);
  }

  /** One call of the configuration's driver, its payloads counted into this thread's posts. */
  @Benchmark
  @Group("calls")
  @GroupThreads(1)
  public void driver(Posts p) {
    final Posts own = calls.posts();
    final long posted = own.posted;
    final long full = own.full;
    calls.driver().run();
    p.posted += own.posted - posted;
    p.full += own.full - full;
  }

  /** One call of the configuration's device, its payloads counted into this thread's transfers. */
  @Benchmark
  @Group("calls")
  @GroupThreads(1)
  public void device(Transfers t) {
    final Transfers own = calls.transfers();
    final long before = own.transfers;
    calls.device().run();
    t.transfers += own.transfers - before;
  }
}
