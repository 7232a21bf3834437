package net.vdpa.bus;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A serial queue of work for one device, drained on a shared pool: everything the bus does to a
 * device (probe, remove, reset) runs here, one task at a time, in submission order.
 *
 * <p>When a task is stuck in a driver call past its deadline, {@link #detach} takes the lane from
 * its drainer (before that thread is interrupted, so it cannot run one more task) and {@link
 * #resumeWith} hands it to a fresh one; the stuck thread, once it returns, finds it no longer owns
 * the lane and leaves it alone. So one hung driver never stalls a device's later work.
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
   * The current drainer is stuck: from now on it owns nothing and will leave the lane at its next
   * look. No new drainer starts until {@link #resumeWith}; work submitted meanwhile waits.
   */
  synchronized void detach() {
    owner++;
    running = true;
  }

  /** After {@link #detach}: runs {@code continuation} first on a fresh drainer, then the rest. */
  void resumeWith(Runnable continuation) {
    synchronized (this) {
      tasks.addFirst(continuation);
    }
    executor.execute(this);
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

  /**
   * Waits for lane work to complete, at most {@code millis}.
   *
   * @return false if the time ran out or the thread was interrupted (the interrupt is kept)
   */
  static boolean await(CompletableFuture<?> f, long millis) {
    try {
      f.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }
}
