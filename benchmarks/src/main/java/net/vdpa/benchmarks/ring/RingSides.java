package net.vdpa.benchmarks.ring;

import java.util.Locale;

/**
 * Which side of {@link RingBenchmark} holds the other up. The benchmark's driver and device run on
 * two threads, as under JMH, and each call is timed and sorted: a call that moved payloads is busy
 * time, a call that found nothing to do (the driver's ring full, the device's ring empty) is idle
 * time. The side that is busy nearly all the time is the one to make faster; its busy time per
 * payload, against the single-thread figure of {@link RingCpuCost}, is what the other core's
 * cache traffic adds to its work.
 *
 * <p>Not a throughput benchmark: reading the clock after every call slows both sides a little.
 * Usage: {@code java -cp benchmarks.jar net.vdpa.benchmarks.ring.RingSides RING PAYLOAD [SECONDS]};
 * prints one line per second, then per side: busy share, busy nanoseconds per payload, idle calls.
 */
public final class RingSides {
  private RingSides() {}

  /** One side's loop and its tally, confined to its thread until {@link Thread#join}. */
  private static final class Side extends Thread {
    private final Runnable call;
    private final java.util.function.LongSupplier moved;
    private volatile boolean stop;
    long busyNs;
    long idleNs;
    long busyCalls;
    long idleCalls;

    Side(String name, Runnable call, java.util.function.LongSupplier moved) {
      super(name);
      this.call = call;
      this.moved = moved;
    }

    @Override
    public void run() {
      long t0 = System.nanoTime();
      while (!stop) {
        final long before = moved.getAsLong();
        call.run();
        final long t1 = System.nanoTime();
        if (moved.getAsLong() != before) {
          busyCalls++;
          busyNs += t1 - t0;
        } else {
          idleCalls++;
          idleNs += t1 - t0;
        }
        t0 = t1;
      }
    }

    String report(String what, long payloads) {
      return String.format(Locale.ROOT, "%-6s busy %3.0f%%, %5.1f ns busy per payload, %,d busy calls, %,d idle calls (%s)",
          getName(), 100.0 * busyNs / Math.max(1, busyNs + idleNs), (double) busyNs / Math.max(1, payloads),
          busyCalls, idleCalls, what);
    }
  }

  /**
   * Runs the two sides and prints where the time went.
   *
   * @param args ring ({@link RingCalls#NAMES}), payload bytes, seconds to measure (default 6, after
   *     2 s of warm-up)
   * @throws InterruptedException if interrupted while waiting
   */
  public static void main(String[] args) throws InterruptedException {
    final String usage = "RingSides RING PAYLOAD [SECONDS]  (RING: " + RingCalls.NAMES + ")";
    if (args.length < 2) {
      throw RingCalls.refuse(usage, null);
    }
    final int seconds = args.length > 2 ? RingCalls.count(usage, "seconds", args[2]) : 6;
    final RingCalls calls = RingCalls.ofArgs(usage, args[0], args[1]);
    final Posts posts = calls.posts();
    final Transfers transfers = calls.transfers();
    Side device = new Side("device", calls.device(), () -> transfers.transfers);
    Side driver = new Side("driver", calls.driver(), () -> posts.posted);
    device.start();
    driver.start();
    Thread.sleep(2000);
    final long start = transfers.transfers;
    long last = start;
    for (int s = 1; s <= seconds; s++) {
      Thread.sleep(1000);
      final long now = transfers.transfers;
      System.out.printf(Locale.ROOT, "second %d: %.2f M payloads/s%n", s, (now - last) / 1e6);
      last = now;
    }
    device.stop = true;
    driver.stop = true;
    device.join();
    driver.join();
    final long payloads = transfers.transfers;
    System.out.println(device.report("idle: ring empty", payloads));
    System.out.println(driver.report("idle: no free slot", payloads));
  }
}
