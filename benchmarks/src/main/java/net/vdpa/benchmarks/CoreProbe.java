package net.vdpa.benchmarks;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The cross-core round-trip probe the interleaving script runs before each benchmark fork: two
 * threads bounce one counter between them through a cache line each way, and the probe prints the
 * median time of one round trip in nanoseconds. On a shared 2-vCPU machine that time moves 2-5x with
 * where the host places the vCPUs (PERFORMANCE.md), and two-thread ring rates move with it, so the
 * figure is stored beside every fork to explain outliers.
 *
 * <p>Usage: {@code java -cp benchmarks.jar net.vdpa.benchmarks.CoreProbe [roundTripsPerSample]}.
 */
public final class CoreProbe {
  /** Index of the ping and the pong slots: 16 longs apart, so on different cache lines. */
  private static final int PING = 16;
  private static final int PONG = 48;
  private static final int SAMPLES = 15;

  private CoreProbe() {}

  /**
   * Runs the probe and prints {@code rtt_ns MEDIAN min MIN max MAX}.
   *
   * @param args optional round trips per sample (default 20000)
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    final int perSample = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    final long total = (long) perSample * (SAMPLES + 5);
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
    double[] ns = new double[SAMPLES];
    long i = 0;
    for (int s = -5; s < SAMPLES; s++) {
      long t0 = System.nanoTime();
      for (int k = 0; k < perSample; k++) {
        i++;
        lines.setRelease(PING, i);
        while (lines.getAcquire(PONG) != i) {
          Thread.onSpinWait();
        }
      }
      long t1 = System.nanoTime();
      if (s >= 0) { // the first 5 samples warm up the JIT
        ns[s] = (t1 - t0) / (double) perSample;
      }
    }
    echo.join(10_000);
    Arrays.sort(ns);
    System.out.printf("rtt_ns %.0f min %.0f max %.0f%n", ns[SAMPLES / 2], ns[0], ns[SAMPLES - 1]);
  }
}
