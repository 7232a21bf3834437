package net.vdpa.benchmarks.pt;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The CPU time a frame costs on the poll-mode path, in thread CPU time of the two threads that
 * carry it (the polling thread and the device's queue-pair worker) rather than wall time, so that
 * the figure holds on a machine whose other work takes CPUs away: time a thread spends descheduled
 * is not counted. Unlike {@code RingCpuCost} the two sides run on their own threads, so what
 * coherence traffic between them costs (lines a thread must fetch from the other's cache) is in
 * the figure: that is what the mbuf pool's layout changes. Time a thread spends polling an empty
 * ring is in it too; run with {@code -Dvdpa.bench.yield=true} (the default) so that a thread with
 * nothing to do gives its CPU away.
 *
 * <p>Usage: {@code java -cp benchmarks.jar net.vdpa.benchmarks.pt.PmdCpuCost FRAME} from the
 * repository root (or with {@code -Dvdpa.bench.bundles=DIR} naming the bundles to boot).
 */
public final class PmdCpuCost {
  private static final int SAMPLES = 9;
  private static final long SAMPLE_CPU_NS = 200_000_000L;

  private PmdCpuCost() {}

  /**
   * Prints {@code cpu_ns_per_frame MEDIAN min MIN max MAX poller P device D} over 9 samples of at
   * least 0.2 s of polling-thread CPU each, after 10 samples of warm-up.
   *
   * @param args the frame length in bytes
   * @throws Exception if the runtime does not come up
   */
  public static void main(String[] args) throws Exception {
    PmdBenchmark b = new PmdBenchmark();
    b.frame = Integer.parseInt(args[0]);
    b.burst = 32;
    b.boot();
    try {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      PmdBenchmark.Counters c = new PmdBenchmark.Counters();
      long worker = workerId();
      double[] ns = new double[SAMPLES];
      double[] poller = new double[SAMPLES];
      for (int s = -10; s < SAMPLES; s++) {
        long p0 = mx.getCurrentThreadCpuTime();
        long w0 = mx.getThreadCpuTime(worker);
        long n0 = c.received;
        long p1;
        do {
          for (int k = 0; k < 1_000; k++) {
            b.pmd(c);
          }
          p1 = mx.getCurrentThreadCpuTime();
        } while (p1 - p0 < SAMPLE_CPU_NS);
        long w1 = mx.getThreadCpuTime(worker);
        long frames = c.received - n0;
        if (s >= 0) {
          poller[s] = (p1 - p0) / (double) frames;
          ns[s] = poller[s] + (w1 - w0) / (double) frames;
        }
      }
      double[] sorted = ns.clone();
      Arrays.sort(sorted);
      int median = indexOf(ns, sorted[SAMPLES / 2]);
      System.out.printf("cpu_ns_per_frame %.1f min %.1f max %.1f poller %.1f device %.1f%n", sorted[SAMPLES / 2],
          sorted[0], sorted[SAMPLES - 1], poller[median], ns[median] - poller[median]);
    } finally {
      b.stop();
    }
  }

  /** The device's queue-pair worker (simnet names it {@code simnet-DEVICE-qp0}). */
  private static long workerId() {
    String name = "simnet-" + PtRuntime.DEVICE + "-qp0";
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return t.getId();
      }
    }
    throw new IllegalStateException("no thread " + name + " is running");
  }

  private static int indexOf(double[] a, double v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return 0;
  }
}
