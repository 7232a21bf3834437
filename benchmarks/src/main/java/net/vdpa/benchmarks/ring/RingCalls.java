package net.vdpa.benchmarks.ring;

/**
 * One call of each side of a ring benchmark, set up outside JMH for the tools that drive the two
 * sides themselves ({@link RingCpuCost} on one thread, {@link RingSides} and {@link RingPairs} on
 * two): {@link RingBenchmark} for {@code split} and {@code packed}, {@link PlainSplitBenchmark} for
 * {@code plain}, and one half of each over the split ring's memory: {@code plain-driver} (the
 * floor's driver, the ring bundle's device) and {@code plain-device} (the ring bundle's driver, the
 * floor's device), to tell which side of the ring loses to the floor. Batch 32 as in the
 * interleaved sets.
 *
 * @param driver one driver call, counting into {@link #posts}
 * @param device one device call, counting into {@link #transfers}
 * @param posts the driver's counters
 * @param transfers the device's counter
 */
record RingCalls(Runnable driver, Runnable device, Posts posts, Transfers transfers) {
  /**
   * Sets up the benchmark and its two calls.
   *
   * @param ring split, packed, plain, plain-driver or plain-device
   * @param payload payload bytes
   * @return the calls
   * @throws IllegalArgumentException if the ring is none of those
   */
  static RingCalls of(String ring, int payload) {
    final Posts p = new Posts();
    final Transfers t = new Transfers();
    switch (ring) {
      case "plain" -> {
        PlainSplitBenchmark b = new PlainSplitBenchmark();
        b.payload = payload;
        b.batch = 32;
        b.setUp();
        return new RingCalls(() -> b.driver(p), () -> b.device(t), p, t);
      }
      case "split", "packed" -> {
        RingBenchmark b = new RingBenchmark();
        b.ring = ring;
        b.payload = payload;
        b.batch = 32;
        b.setUp();
        return new RingCalls(() -> b.driver(p), () -> b.device(t), p, t);
      }
      case "plain-driver", "plain-device" -> {
        RingBenchmark b = new RingBenchmark();
        b.ring = "split";
        b.payload = payload;
        b.batch = 32;
        b.setUp();
        PlainSplitBenchmark f = new PlainSplitBenchmark();
        f.payload = payload;
        f.batch = 32;
        b.floorMemory(f);
        return "plain-driver".equals(ring)
            ? new RingCalls(() -> f.driver(p), () -> b.device(t), p, t)
            : new RingCalls(() -> b.driver(p), () -> f.device(t), p, t);
      }
      default -> throw new IllegalArgumentException(
          "ring " + ring + " is not split, packed, plain, plain-driver or plain-device");
    }
  }
}
