package net.vdpa.benchmarks.ring;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * One call of each side of a ring benchmark, set up outside JMH for the tools that drive the two
 * sides themselves ({@link RingCpuCost} on one thread, {@link RingSides} and {@link RingPairs} on
 * two): {@link RingBenchmark} for {@code split} and {@code packed}, {@link PlainSplitBenchmark} for
 * {@code plain}, {@link PlainPackedBenchmark} for {@code plain-packed} (and {@code
 * plain-packed-in-order}, with VIRTIO_F_IN_ORDER), {@code plain-packed-driver} and {@code
 * plain-packed-device} (the packed floor's half with the ring bundle's other half over the packed
 * ring's memory), and one half of each over the split ring's memory: {@code plain-driver} (the
 * floor's driver, the ring bundle's device) and {@code plain-device} (the ring bundle's driver, the
 * floor's device), to tell which side of the ring loses to the floor, and {@code plain-over}, the
 * floor's two halves over the split ring's memory (whether the ring's memory, rather than the
 * code, sets the floor's rate). Batch 32 as in the interleaved sets.
 *
 * @param driver one driver call, counting into {@link #posts}
 * @param device one device call, counting into {@link #transfers}
 * @param posts the driver's counters
 * @param transfers the device's counter
 * @param lastStamp the sequence number in the last payload the device copied out (read in the
 *     driver's byte order), to check that the device copied what the driver wrote
 */
record RingCalls(Runnable driver, Runnable device, Posts posts, Transfers transfers, LongSupplier lastStamp) {
  /** The configurations {@link #of} knows. */
  static final String NAMES = "split, packed, plain, plain-packed, plain-packed-in-order, plain-driver, plain-device, plain-over,"
      + " plain-packed-driver or plain-packed-device";

  /**
   * Sets up the benchmark and its two calls.
   *
   * @param ring one of {@link #NAMES}
   * @param payload payload bytes
   * @return the calls
   * @throws IllegalArgumentException if the ring is none of those
   */
  static RingCalls of(String ring, int payload) {
    final Posts p = new Posts();
    final Transfers t = new Transfers();
    switch (ring) {
      case "plain" -> {
        PlainSplitBenchmark b = floor(payload);
        b.setUp();
        return new RingCalls(() -> b.driver(p), () -> b.device(t), p, t,
            () -> stamp(b.device.own, b.driver.slab));
      }
      case "plain-packed", "plain-packed-in-order" -> {
        PlainPackedBenchmark b = new PlainPackedBenchmark();
        b.payload = payload;
        b.batch = 32;
        b.inOrder = ring.endsWith("in-order");
        b.setUp();
        return new RingCalls(() -> b.driver(p), () -> b.device(t), p, t,
            () -> stamp(b.device.own, b.driver.slab));
      }
      case "plain-packed-driver", "plain-packed-device" -> {
        RingBenchmark b = ring("packed", payload);
        PlainPackedBenchmark f = new PlainPackedBenchmark();
        f.payload = payload;
        f.batch = 32;
        b.floorMemory(f);
        return ring.endsWith("driver")
            ? new RingCalls(() -> f.driver(p), () -> b.device(t), p, t, () -> stamp(b.device.own, f.driver.slab))
            : new RingCalls(() -> b.driver(p), () -> f.device(t), p, t, () -> stamp(f.device.own, b.driver.memory));
      }
      case "split", "packed" -> {
        RingBenchmark b = ring(ring, payload);
        return new RingCalls(() -> b.driver(p), () -> b.device(t), p, t,
            () -> stamp(b.device.own, b.driver.memory));
      }
      case "plain-driver", "plain-device", "plain-over" -> {
        RingBenchmark b = ring("split", payload);
        PlainSplitBenchmark f = floor(payload);
        b.floorMemory(f);
        return switch (ring) {
          case "plain-driver" -> new RingCalls(() -> f.driver(p), () -> b.device(t), p, t,
              () -> stamp(b.device.own, f.driver.slab));
          case "plain-device" -> new RingCalls(() -> b.driver(p), () -> f.device(t), p, t,
              () -> stamp(f.device.own, b.driver.memory));
          default -> new RingCalls(() -> f.driver(p), () -> f.device(t), p, t,
              () -> stamp(f.device.own, f.driver.slab));
        };
      }
      default -> throw new IllegalArgumentException("ring " + ring + " is not " + NAMES);
    }
  }

  /** The bundle's ring benchmark, set up, batch 32. */
  private static RingBenchmark ring(String ring, int payload) {
    RingBenchmark b = new RingBenchmark();
    b.ring = ring;
    b.payload = payload;
    b.batch = 32;
    b.setUp();
    return b;
  }

  /** The floor, batch 32, not yet set up (its own memory, or the ring's through {@link RingBenchmark#floorMemory}). */
  private static PlainSplitBenchmark floor(int payload) {
    PlainSplitBenchmark f = new PlainSplitBenchmark();
    f.payload = payload;
    f.batch = 32;
    return f;
  }

  /**
   * {@link #of} for a tool's command line: a ring it does not know or a payload that is not a
   * positive number is printed with the usage, and the tool exits with status 2 (no stack trace).
   *
   * @param usage the tool's usage line
   * @param ring the ring argument
   * @param payload the payload argument
   * @return the calls
   */
  static RingCalls ofArgs(String usage, String ring, String payload) {
    String why;
    try {
      final int bytes = Integer.parseInt(payload);
      if (bytes > 0) {
        return of(ring, bytes);
      }
      why = "payload " + payload + " is not positive";
    } catch (NumberFormatException e) {
      why = "payload " + payload + " is not a number";
    } catch (IllegalArgumentException e) {
      why = e.getMessage();
    }
    throw refuse(usage, why);
  }

  /**
   * A positive count from a tool's command line (rounds, seconds); anything else is refused with
   * the usage ({@link #refuse}).
   *
   * @param usage the tool's usage line
   * @param what what the count is, for the message
   * @param arg the argument
   * @return the count, 1 to 999999
   */
  static int count(String usage, String what, String arg) {
    final int n = arg.matches("[0-9]{1,6}") ? Integer.parseInt(arg) : 0;
    if (n < 1) {
      throw refuse(usage, what + " " + arg + " is not a number from 1 to 999999");
    }
    return n;
  }

  /**
   * Ends a tool whose command line is wrong: prints why (if anything is given) and the usage, and
   * exits with status 2, without a stack trace.
   *
   * @param usage the tool's usage line
   * @param why what is wrong, or null to print the usage alone
   * @return never; declared so that callers can write {@code throw refuse(...)}
   */
  static IllegalStateException refuse(String usage, String why) {
    if (why != null) {
      System.err.println(why);
    }
    System.err.println("usage: " + usage);
    System.exit(2);
    return new IllegalStateException("exit returned");
  }

  /** The stamp at the start of a device's copy, in the byte order the driver wrote it with. */
  private static long stamp(ByteBuffer copied, ByteBuffer written) {
    return copied.duplicate().order(written.order()).getLong(0);
  }
}
