package net.vdpa.bus;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that drain device lanes. A fixed number of workers, plus one more for every thread
 * currently stuck in a timed-out driver call, so that hung drivers never starve the bus.
 */
final class LanePool implements Executor {
  private final ThreadPoolExecutor pool;
  private final int base;
  /** Guarded by this: threads lost to timed-out calls that have not returned yet. */
  private int stuck;

  LanePool(String name, int threads) {
    this.base = threads;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tf);
  }

  @Override
  public void execute(Runnable command) {
    try {
      pool.execute(command);
    } catch (RejectedExecutionException closed) {
      // the bus has stopped: work that arrives late has nothing left to act on
    }
  }

  /** A worker is stuck in a driver call: add a replacement. */
  synchronized void lostThread() {
    stuck++;
    resize();
  }

  /** A stuck worker came back: drop the replacement. */
  synchronized void regainedThread() {
    stuck--;
    resize();
  }

  private void resize() {
    int size = base + stuck;
    if (size > pool.getMaximumPoolSize()) {
      pool.setMaximumPoolSize(size);
      pool.setCorePoolSize(size);
    } else {
      pool.setCorePoolSize(size);
      pool.setMaximumPoolSize(size);
    }
  }

  /** Stops taking work and waits a little for running tasks. */
  void shutdown(long waitMillis) {
    pool.shutdown();
    try {
      pool.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.shutdownNow();
  }
}
