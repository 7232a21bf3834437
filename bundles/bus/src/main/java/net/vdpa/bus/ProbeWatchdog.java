package net.vdpa.bus;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches driver calls that have a deadline (probes) and gives up on those that pass it: the
 * attempt is marked timed out, the calling thread is interrupted, and the attempt's {@code
 * onTimeout} moves the device's work to a fresh thread.
 *
 * <p>One sweep thread for the whole bus; attempts are cheap to register and remove.
 */
final class ProbeWatchdog {

  /** One driver call with a deadline. Exactly one of {@link #finish} and timeout wins. */
  static final class Attempt {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;

    final Thread thread;
    final long deadlineNanos;
    final Runnable onExpire;
    final Runnable onTimeout;
    private final AtomicInteger state = new AtomicInteger(RUNNING);

    Attempt(Thread thread, long deadlineNanos, Runnable onExpire, Runnable onTimeout) {
      this.thread = thread;
      this.deadlineNanos = deadlineNanos;
      this.onExpire = onExpire;
      this.onTimeout = onTimeout;
    }

    /** The call returned: true if it did so in time, false if the watchdog already gave up on it. */
    boolean finish() {
      return state.compareAndSet(RUNNING, DONE);
    }

    boolean expire() {
      return state.compareAndSet(RUNNING, TIMED_OUT);
    }
  }

  private final Set<Attempt> inflight = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> sweeper;

  ProbeWatchdog(ScheduledExecutorService timer, long timeoutMillis) {
    long period = Math.max(5, Math.min(250, timeoutMillis / 4));
    this.sweeper = timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts watching a call made by the current thread. At the deadline {@code onExpire} runs first,
   * before the thread is interrupted (take from it what it must not touch any more), then {@code
   * onTimeout}.
   */
  Attempt start(long timeoutMillis, Runnable onExpire, Runnable onTimeout) {
    Attempt a = new Attempt(Thread.currentThread(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis),
        onExpire, onTimeout);
    inflight.add(a);
    return a;
  }

  /**
   * Stops watching; returns true if the call finished before its deadline. If it did not, the
   * interrupt the watchdog sent is consumed here so that it cannot leak into the thread's next task.
   */
  boolean end(Attempt a) {
    inflight.remove(a);
    boolean inTime;
    synchronized (a) {
      inTime = a.finish();
    }
    if (!inTime) {
      Thread.interrupted();
    }
    return inTime;
  }

  void sweep() {
    if (inflight.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (Attempt a : inflight) {
      if (now - a.deadlineNanos < 0) {
        continue;
      }
      boolean expired;
      synchronized (a) {
        expired = a.expire();
        if (expired) {
          a.onExpire.run();
          a.thread.interrupt();
        }
      }
      if (expired) {
        inflight.remove(a);
        a.onTimeout.run();
      }
    }
  }

  void close() {
    sweeper.cancel(false);
  }
}
