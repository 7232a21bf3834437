package net.vdpa.device.core;

import java.util.function.Consumer;

/**
 * The workers a device runs now, and their lifecycle: started at DRIVER_OK, paused and resumed
 * together (the device's suspension, which workers started meanwhile inherit), stopped and joined at
 * reset (which ends a suspension). The set is replaced whole (a volatile read gives a kick its
 * worker without a lock); changes happen under the device's lock, joins outside it.
 */
final class Crew {
  private static final long JOIN_MILLIS = 5_000;
  private static final QueueWorker[] NONE = new QueueWorker[0];

  private final String device;
  private final Consumer<String> warn;
  private volatile Workers workers = new Workers(NONE, NONE);
  /** Whether the device is suspended; guarded by the device's lock. */
  private boolean suspended;

  Crew(String device, Consumer<String> warn) {
    this.device = device;
    this.warn = warn;
  }

  QueueWorker[] all() {
    return workers.all();
  }

  QueueWorker of(int idx) {
    final QueueWorker[] by = workers.byQueue();
    return idx >= 0 && idx < by.length ? by[idx] : null;
  }

  /** Starts a new set (under the device's lock; none runs). */
  void start(Workers w, WorkerHost host) {
    workers = w;
    for (QueueWorker worker : w.all()) {
      worker.start(host);
    }
  }

  /**
   * Asks every worker to end and forgets them (under the device's lock).
   *
   * @return the workers to {@link #join} outside the lock
   */
  QueueWorker[] stop() {
    suspended = false;
    QueueWorker[] ws = workers.all();
    workers = new Workers(NONE, NONE);
    for (QueueWorker w : ws) {
      w.stop();
    }
    return ws;
  }

  /** Waits for stopped workers to end, warning about any that does not. */
  void join(QueueWorker[] ws) {
    for (QueueWorker w : ws) {
      if (!w.join(JOIN_MILLIS)) {
        warn.accept("device " + device + ": worker " + w.thread().getName() + " did not stop within " + JOIN_MILLIS
            + " ms");
      }
    }
  }

  /** Whether the device is suspended (under the device's lock): workers start paused. */
  boolean suspended() {
    return suspended;
  }

  /**
   * Suspends the device: asks every worker to pause between passes (under the device's lock);
   * nothing to do if it is suspended already.
   *
   * @return the workers to {@link #awaitPaused} outside the lock
   */
  QueueWorker[] pause() {
    if (suspended) {
      return NONE;
    }
    suspended = true;
    QueueWorker[] ws = workers.all();
    for (QueueWorker w : ws) {
      w.pause();
    }
    return ws;
  }

  /**
   * Waits until paused workers have parked.
   *
   * @throws IllegalStateException naming a worker that did not pause in time
   */
  void awaitPaused(QueueWorker[] ws) {
    for (QueueWorker w : ws) {
      if (!w.awaitPaused(JOIN_MILLIS)) {
        throw new IllegalStateException("device " + device + ": worker " + w.thread().getName()
            + " did not pause within " + JOIN_MILLIS + " ms");
      }
    }
  }

  /** Ends a suspension (under the device's lock); nothing to do if the device is not suspended. */
  void resume() {
    if (!suspended) {
      return;
    }
    suspended = false;
    for (QueueWorker w : workers.all()) {
      w.resume();
    }
  }
}
