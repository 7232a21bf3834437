package net.vdpa.benchmarks.ring;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The CPU time one transfer costs, measured in thread CPU time rather than wall time, so that the
 * figure holds on a machine whose other work takes CPUs away from the benchmark (time this thread
 * spends descheduled is not counted). {@link RingBenchmark}'s driver and device run one after the
 * other on one thread, 32 payloads per call, as in {@link RingCostBenchmark}: no cross-core
 * traffic, so this is what the code costs, not what coherence adds.
 *
 * <p>Usage: {@code java -cp benchmarks.jar net.vdpa.benchmarks.ring.RingCpuCost RING PAYLOAD}, RING
 * one of {@link RingCalls#NAMES} ({@code plain} is {@link PlainSplitBenchmark}, the floor, same
 * work; {@code plain-driver} and {@code plain-device} pair one of its halves with the ring's).
 * Put an older build's jar first on the class path ({@code -cp old.jar:benchmarks.jar}) to measure
 * its ring with this harness.
 */
public final class RingCpuCost {
  private static final int SAMPLES = 9;
  private static final long SAMPLE_CPU_NS = 200_000_000L;

  private RingCpuCost() {}

  /**
   * Prints {@code cpu_ns_per_transfer MEDIAN min MIN max MAX} over 9 samples of 0.2 s CPU each,
   * after 2 s of warm-up.
   *
   * @param args ring ({@link RingCalls#NAMES}) and payload bytes
   */
  public static void main(String[] args) {
    final String usage = "RingCpuCost RING PAYLOAD  (RING: " + RingCalls.NAMES + ")";
    if (args.length < 2) {
      throw RingCalls.refuse(usage, null);
    }
    final RingCalls calls = RingCalls.ofArgs(usage, args[0], args[1]);
    final Runnable driver = calls.driver();
    final Runnable device = calls.device();
    final Transfers t = calls.transfers();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] ns = new double[SAMPLES];
    for (int s = -10; s < SAMPLES; s++) { // the first 10 samples (2 s of CPU) warm up the JIT
      long c0 = mx.getCurrentThreadCpuTime();
      long n0 = t.transfers;
      long c1;
      do {
        for (int k = 0; k < 10_000; k++) {
          driver.run();
          device.run();
        }
        c1 = mx.getCurrentThreadCpuTime();
      } while (c1 - c0 < SAMPLE_CPU_NS);
      if (s >= 0) {
        ns[s] = (c1 - c0) / (double) (t.transfers - n0);
      }
    }
    Arrays.sort(ns);
    System.out.printf("cpu_ns_per_transfer %.1f min %.1f max %.1f%n", ns[SAMPLES / 2], ns[0], ns[SAMPLES - 1]);
  }
}
