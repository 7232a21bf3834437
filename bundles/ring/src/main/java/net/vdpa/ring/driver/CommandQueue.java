package net.vdpa.ring.driver;

import java.util.concurrent.TimeUnit;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.RingError;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A queue that carries one request at a time: the request bytes readable by the device, then one
 * status byte the device writes; the caller waits a bounded time for the device to return it. This
 * is how a virtio-net control queue works ({@code class, command, data} then an ack byte).
 *
 * <p>Thread-safe: callers are served one at a time. The caller waits for the device's used-buffer
 * notification, which the device's callback hands to {@link #used()}; the wait is bounded.
 */
@ProviderType
public final class CommandQueue {
  /** The status byte before the device writes it. */
  public static final int NO_STATUS = 0xff;

  private final DriverQueue q;
  private final DriverMemory mem;
  private final int maxRequest;
  private final long requestIova;
  private final long statusIova;
  private final Runnable kick;
  /** Notified by {@link #used()}; guards nothing else. */
  private final Object signal = new Object();

  /**
   * Sets the queue up and carves its request and status buffers out of the memory.
   *
   * @param ring the ring, laid out in {@code mem}
   * @param mem the driver's memory
   * @param maxRequest the longest request in bytes
   * @param kick tells the device the ring has a new request
   *     (the caller routes the device's used-buffer callback of this queue to {@link #used()})
   */
  public CommandQueue(DriverRing ring, DriverMemory mem, int maxRequest, Runnable kick) {
    this.q = ring.queue();
    this.mem = mem;
    this.maxRequest = maxRequest;
    this.requestIova = mem.allocate(maxRequest, 64);
    this.statusIova = mem.allocate(64, 64);
    this.kick = kick;
    q.enableInterrupts();
  }

  /** The device used a buffer of this queue (its used-buffer callback); wakes a waiting caller. */
  public void used() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /**
   * Bytes the request and status buffers take: what to add to a {@link DriverMemory}'s size.
   *
   * @param maxRequest the longest request
   * @return bytes, alignment included
   */
  public static long footprint(int maxRequest) {
    return ((maxRequest + 63) & ~63L) + 64 + 128;
  }

  /**
   * Sends a request and waits for its status byte.
   *
   * @param request the request
   * @param timeoutMillis how long to wait for the device
   * @return the status byte the device wrote (0 to 255)
   * @throws IllegalArgumentException if the request is longer than the queue takes
   * @throws IllegalStateException if the ring is full or broken, or the device did not answer in time
   */
  public synchronized int call(byte[] request, long timeoutMillis) {
    if (request.length > maxRequest) {
      throw new IllegalArgumentException("request of " + request.length + " bytes is longer than " + maxRequest);
    }
    mem.buffer().put(mem.offset(requestIova), request);
    int status = mem.offset(statusIova);
    mem.buffer().put(status, (byte) NO_STATUS);
    int head = q.add(new long[] {requestIova, statusIova}, new int[] {request.length, 1}, 1, 1);
    if (head == DriverQueue.FULL) {
      throw new IllegalStateException("command queue is full");
    }
    q.publish();
    kick.run();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (signal) {
      while (q.pollUsed() == DriverQueue.EMPTY) {
        if (q.error() != RingError.NONE) {
          throw new IllegalStateException("command queue broke: " + q.error().description());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no answer within " + timeoutMillis + " ms");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for the device's answer");
        }
      }
    }
    return mem.buffer().get(status) & 0xff;
  }
}
