package net.vdpa.benchmarks;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The cross-core round-trip probe: two threads bounce one counter between them through a cache
 * line each way, and the probe gives the median time of one round trip in nanoseconds. On a shared
 * 2-vCPU machine that time moves 2-10x with where the host places the vCPUs (PERFORMANCE.md;
 * benchmarks/README.md, "Ratios inside one placement"), and two-thread ring rates move with it. The interleaving
 * script runs {@link #main} before each fork, and {@link PlacementProfiler} runs {@link #measure}
 * around every measured JMH iteration so that iterations can be compared with others measured in
 * the same placement.
 *
 * <p>Usage: {@code java -cp benchmarks.jar net.vdpa.benchmarks.CoreProbe [roundTripsPerSample]}.
 */
public final class CoreProbe {
  /** Index of the ping and the pong slots: 16 longs apart, so on different cache lines. */
  private static final int PING = 16;
  private static final int PONG = 48;
  private static final int SAMPLES = 15;
  private static final int WARM_UP_SAMPLES = 5;

  private CoreProbe() {}

  /**
   * Runs the probe and prints {@code rtt_ns MEDIAN min MIN max MAX}.
   *
   * @param args optional round trips per sample (default 20000)
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    int perSample = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    double[] ns = measure(perSample, SAMPLES);
    System.out.printf("rtt_ns %.0f min %.0f max %.0f%n", ns[SAMPLES / 2], ns[0], ns[SAMPLES - 1]);
  }

  /**
   * Bounces a counter between the calling thread and a new one, {@code perSample} round trips per
   * sample, after five samples that warm the code up; the calling thread spins throughout, so
   * call it only while the threads being measured are idle.
   *
   * @param perSample round trips per sample
   * @param samples samples kept
   * @return the nanoseconds of one round trip in each kept sample, sorted
   * @throws InterruptedException if interrupted while waiting for the echoing thread to end
   */
  public static double[] measure(int perSample, int samples) throws InterruptedException {
    final long total = (long) perSample * (samples + WARM_UP_SAMPLES);
    final AtomicLongArray lines = new AtomicLongArray(64);
    Thread echo = new Thread(() -> {
      for (long i = 1; i <= total; i++) {
        while (lines.getAcquire(PING) != i) {
          Thread.onSpinWait();
        }
        lines.setRelease(PONG, i);
      }
    }, "probe-echo");
    echo.setDaemon(true);
    echo.start();
    double[] ns = new double[samples];
    long i = 0;
    for (int s = -WARM_UP_SAMPLES; s < samples; s++) {
      long t0 = System.nanoTime();
      for (int k = 0; k < perSample; k++) {
        i++;
        lines.setRelease(PING, i);
        while (lines.getAcquire(PONG) != i) {
          Thread.onSpinWait();
        }
      }
      long t1 = System.nanoTime();
      if (s >= 0) {
        ns[s] = (t1 - t0) / (double) perSample;
      }
    }
    echo.join(10_000);
    Arrays.sort(ns);
    return ns;
  }
}
