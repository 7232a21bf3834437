package net.vdpa.ring.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.DriverQueue;

/**
 * A two-thread test of memory ordering: the calling thread drives a queue, a second thread runs its
 * device side, and every transfer carries a sequence number in its buffer and back in its used
 * length. If an index (or a packed head's flags) became visible before the entries it covers, or
 * were read torn, the device would read a stale descriptor or buffer and the sequence would break;
 * any break is counted. Used by the ring's test suite (short runs) and by the benchmarks module
 * (10^8 transfers).
 *
 * <p>Allocates only while setting up.
 */
public final class OrderingStress {
  /**
   * What a run saw.
   *
   * @param transfers transfers completed (driver saw them used)
   * @param nanos wall time
   * @param mismatches transfers whose sequence number or used length was wrong
   * @param firstProblem a description of the first problem, or null
   */
  public record Result(long transfers, long nanos, long mismatches, String firstProblem) {
    /**
     * Transfers per second.
     *
     * @return the rate
     */
    public double perSecond() {
      return transfers * 1e9 / nanos;
    }
  }

  private OrderingStress() {}

  /**
   * Runs {@code transfers} sequence-numbered 8-byte transfers through a fresh queue.
   *
   * @param packed packed ring (else split)
   * @param size queue size
   * @param transfers how many
   * @param maxBatch the driver publishes after 1..maxBatch adds (random), the device every 32 pushes
   *     or when it runs dry
   * @param timeoutMillis give up after this long
   * @return what happened
   * @throws InterruptedException if interrupted while waiting for the device thread
   */
  public static Result run(boolean packed, int size, long transfers, int maxBatch, long timeoutMillis)
      throws InterruptedException {
    MockDriver m = packed ? MockDriver.packed(size, 0, 1 << 20) : MockDriver.split(size, 0, 1 << 20);
    DriverQueue drv = m.queue();
    DeviceQueue dev = m.newDevice();
    long[] bufs = new long[size];
    for (int i = 0; i < size; i++) {
      bufs[i] = m.allocate(8);
    }
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    long[] deviceMismatches = new long[1];
    String[] deviceProblem = new String[1];
    Thread device = new Thread(() -> deviceLoop(dev, transfers, deadline, deviceMismatches, deviceProblem), "ring-device");
    device.setDaemon(true);
    long start = System.nanoTime();
    device.start();

    SplittableRandom rnd = new SplittableRandom(42);
    byte[] scratch = new byte[8];
    ByteBuffer seqBytes = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    long sent = 0;
    long reaped = 0;
    long mismatches = 0;
    String problem = null;
    long spins = 0;
    while (reaped < transfers) {
      long u;
      while ((u = drv.pollUsed()) != DriverQueue.EMPTY) {
        if (DriverQueue.usedLength(u) != (int) reaped) {
          if (mismatches++ == 0) {
            problem = "used length " + DriverQueue.usedLength(u) + " where " + (int) reaped + " was expected";
          }
        }
        reaped++;
      }
      if (drv.error() != net.vdpa.ring.RingError.NONE) {
        problem = "driver stopped: " + drv.error();
        break;
      }
      int batch = 1 + rnd.nextInt(maxBatch);
      int added = 0;
      while (added < batch && sent < transfers) {
        if (drv.freeDescriptors() == 0) {
          break;
        }
        long buf = bufs[(int) (sent % size)];
        seqBytes.putLong(0, sent);
        m.write(buf, scratch);
        if (drv.add(buf, 8, false) == DriverQueue.FULL) {
          break;
        }
        sent++;
        added++;
      }
      drv.publish();
      if (added == 0) {
        // on a loaded machine both threads may share a core: let the device run
        if ((++spins & 0x3f) == 0) {
          Thread.yield();
        }
        if ((spins & 0xfff) == 0 && System.nanoTime() > deadline) {
          problem = "timed out after " + reaped + " transfers";
          break;
        }
      }
    }
    long nanos = System.nanoTime() - start;
    device.join(Math.max(1, timeoutMillis));
    if (dev.needsReset()) {
      problem = "device stopped: " + dev.error();
    }
    if (problem == null) {
      problem = deviceProblem[0];
    }
    return new Result(reaped, nanos, mismatches + deviceMismatches[0], problem);
  }

  private static void deviceLoop(DeviceQueue dev, long transfers, long deadline, long[] mismatches, String[] problem) {
    DescriptorChain c = new DescriptorChain(4);
    long expect = 0;
    long idle = 0;
    while (expect < transfers) {
      if (!dev.pop(c)) {
        dev.publish();
        if (dev.needsReset() || ((++idle & 0xffff) == 0 && System.nanoTime() > deadline)) {
          return;
        }
        if ((idle & 0x3f) == 0) {
          Thread.yield();
        } else {
          Thread.onSpinWait();
        }
        continue;
      }
      long v = c.segments() == 1 && c.length(0) == 8 ? c.buffer(0).getLong(c.offset(0)) : -1;
      if (v != expect && mismatches[0]++ == 0) {
        problem[0] = "device read sequence " + v + " where " + expect + " was expected";
      }
      dev.push(c.id(), (int) expect);
      expect++;
      if ((expect & 31) == 0) {
        dev.publish();
      }
    }
    dev.publish();
  }
}
