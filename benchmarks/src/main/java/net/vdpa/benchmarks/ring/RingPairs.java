package net.vdpa.benchmarks.ring;

import java.util.Arrays;
import java.util.Locale;
import net.vdpa.benchmarks.CoreProbe;

/**
 * Ring configurations compared inside one JVM, slice by slice: each round gives every
 * configuration two fresh threads (its driver and its device) for a short slice, one configuration
 * after the other, with the cross-core round trip ({@link CoreProbe}) measured just before each
 * slice. Interleaved JMH forks ({@code interleave.py}) compare configurations a quarter of a minute
 * apart and in different JVMs; here they are a second apart in the same JVM, so a host that moves
 * its vCPUs between placements shows as such rather than as a difference between the
 * configurations. One run is still one JVM's compilation of each loop: repeat it in several JVMs.
 * Split and packed share {@link RingBenchmark}'s call sites, so in one JVM those are compiled with
 * both in their profile, which a one-configuration JMH fork never sees.
 *
 * <p>Not a throughput benchmark (no JMH; speed targets are JMH's): a diagnostic for the question
 * "does this configuration or JVM flag change the rate". Usage: {@code java -cp benchmarks.jar
 * net.vdpa.benchmarks.ring.RingPairs ROUNDS PAYLOAD RING [RING ...]}, RING one of {@link
 * RingCalls#NAMES}; prints one line per round (after three warm-up rounds), then per
 * configuration its median rate and, against the first configuration, the median of the per-round
 * ratios over all rounds and over the rounds whose two probes read the same placement (within a
 * factor of 1.5; a placement can also move during a slice, which this does not see).
 */
public final class RingPairs {
  private static final int WARM_UP_ROUNDS = 3;
  private static final long SETTLE_MS = 100;
  private static final long SLICE_MS = 700;
  /** Two probes within this factor of each other read the same placement. */
  private static final double SAME_PLACEMENT = 1.5;

  private RingPairs() {}

  /** One side of a configuration, spinning on its call until stopped. */
  private static final class Spinner extends Thread {
    private final Runnable call;
    private volatile boolean stop;

    Spinner(String name, Runnable call) {
      super(name);
      this.call = call;
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!stop) {
        call.run();
      }
    }
  }

  /**
   * Runs the rounds and prints the rates and ratios.
   *
   * @param args rounds, payload bytes, then one or more ring configurations
   * @throws InterruptedException if interrupted while a slice runs
   */
  public static void main(String[] args) throws InterruptedException {
    final String usage = "RingPairs ROUNDS PAYLOAD RING [RING ...]  (RING: " + RingCalls.NAMES + ")";
    if (args.length < 3) {
      throw RingCalls.refuse(usage, null);
    }
    final int rounds = RingCalls.count(usage, "rounds", args[0]);
    final String[] names = Arrays.copyOfRange(args, 2, args.length);
    final RingCalls[] calls = new RingCalls[names.length];
    for (int i = 0; i < names.length; i++) {
      calls[i] = RingCalls.ofArgs(usage, names[i], args[1]);
    }
    final double[][] rate = new double[names.length][rounds];
    final double[][] rtt = new double[names.length][rounds];
    for (int r = -WARM_UP_ROUNDS; r < rounds; r++) {
      StringBuilder line = new StringBuilder(r < 0 ? "warm-up" : String.format(Locale.ROOT, "round %d", r + 1));
      for (int i = 0; i < names.length; i++) {
        final double probe = median(CoreProbe.measure(20_000, 3));
        final double m = slice(calls[i]);
        line.append(String.format(Locale.ROOT, "  %s %.2f M/s (%.0f ns)", names[i], m, probe));
        if (r >= 0) {
          rate[i][r] = m;
          rtt[i][r] = probe;
        }
      }
      System.out.println(line);
    }
    for (int i = 0; i < names.length; i++) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: median %.2f M/s", names[i], median(rate[i])));
      if (i > 0) {
        final double[] all = new double[rounds];
        final double[] same = new double[rounds];
        int s = 0;
        for (int r = 0; r < rounds; r++) {
          all[r] = rate[i][r] / rate[0][r];
          final double q = rtt[i][r] / rtt[0][r];
          if (q <= SAME_PLACEMENT && q >= 1 / SAME_PLACEMENT) {
            same[s++] = all[r];
          }
        }
        line.append(String.format(Locale.ROOT, "; / %s: median %.2fx of %d rounds, %s of the %d in the same placement",
            names[0], median(all), rounds, s == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", median(Arrays.copyOf(same, s))), s));
      }
      System.out.println(line);
    }
  }

  /** Runs one configuration on two new threads and returns its rate in millions of payloads per second. */
  private static double slice(RingCalls c) throws InterruptedException {
    Spinner device = new Spinner("device", c.device());
    Spinner driver = new Spinner("driver", c.driver());
    device.start();
    driver.start();
    Thread.sleep(SETTLE_MS);
    final long t0 = c.transfers().transfers;
    final long n0 = System.nanoTime();
    Thread.sleep(SLICE_MS);
    final long t1 = c.transfers().transfers;
    final long n1 = System.nanoTime();
    device.stop = true;
    driver.stop = true;
    device.join();
    driver.join();
    return (t1 - t0) * 1e3 / (n1 - n0);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    final int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
