package net.vdpa.bus;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * A serial queue of work for one device, drained on a shared pool: everything the bus does to a
 * device (probe, remove, reset) runs here, one task at a time, in submission order.
 *
 * <p>When a task is stuck in a driver call past its deadline, {@link #abandonCurrent} hands the
 * lane to a fresh drainer; the stuck thread, once it returns, finds it no longer owns the lane and
 * leaves it alone. So one hung driver never stalls a device's later work.
 */
final class Lane implements Runnable {
  private final Executor executor;
  /** Guarded by this. */
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(4);
  /** Guarded by this: a drainer is scheduled or running. */
  private boolean running;
  /** Guarded by this: bumped each time ownership is taken from a stuck drainer. */
  private int owner;

  Lane(Executor executor) {
    this.executor = executor;
  }

  /** Queues a task at the end. */
  void submit(Runnable task) {
    synchronized (this) {
      tasks.addLast(task);
      if (running) {
        return;
      }
      running = true;
    }
    executor.execute(this);
  }

  /**
   * The current drainer is stuck: run {@code continuation} first on a fresh drainer, then the rest.
   * The stuck drainer must call {@link #owns} before touching the lane again.
   */
  void abandonCurrent(Runnable continuation) {
    synchronized (this) {
      owner++;
      tasks.addFirst(continuation);
      running = true;
    }
    executor.execute(this);
  }

  /** Whether the drainer that started with {@code token} still owns the lane. */
  synchronized boolean owns(int token) {
    return owner == token;
  }

  /** The ownership token of the drainer now running; valid only on a lane thread. */
  synchronized int token() {
    return owner;
  }

  @Override
  public void run() {
    int me;
    synchronized (this) {
      me = owner;
    }
    for (;;) {
      Runnable task;
      synchronized (this) {
        if (owner != me) {
          return;
        }
        task = tasks.pollFirst();
        if (task == null) {
          running = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        // Tasks catch driver failures themselves; this keeps one bug from killing the lane.
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
      Thread.interrupted(); // a timed-out probe may have been interrupted; do not leak that
    }
  }
}
