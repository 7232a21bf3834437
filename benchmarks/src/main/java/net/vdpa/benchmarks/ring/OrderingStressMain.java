package net.vdpa.benchmarks.ring;

import net.vdpa.ring.testing.OrderingStress;

/**
 * The long memory-ordering run: 10^8 sequence-numbered transfers (or the count given as the first
 * argument) through a split and a packed ring of 256 between two threads. Exits 1 on any torn or
 * reordered index.
 */
public final class OrderingStressMain {
  private OrderingStressMain() {}

  /**
   * Runs the stress.
   *
   * @param args optional transfer count per ring type
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    long transfers = args.length > 0 ? Long.parseLong(args[0]) : 100_000_000L;
    boolean ok = true;
    for (boolean packed : new boolean[] {false, true}) {
      OrderingStress.Result r = OrderingStress.run(packed, 256, transfers, 64, 3_600_000L);
      System.out.printf("%s: %d transfers in %.1f s (%.1f M/s), %d mismatches%s%n",
          packed ? "packed" : "split", r.transfers(), r.nanos() / 1e9, r.perSecond() / 1e6, r.mismatches(),
          r.firstProblem() == null ? "" : ", first: " + r.firstProblem());
      ok &= r.mismatches() == 0 && r.firstProblem() == null && r.transfers() == transfers;
    }
    System.exit(ok ? 0 : 1);
  }
}
