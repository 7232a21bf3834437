package net.vdpa.device.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The thread that serves some of a device's queues, started at DRIVER_OK and joined at reset. A
 * device kind says what one pass over its queues does ({@link #pass()}) and how to ask the driver
 * for kicks; this class runs the loop: passes while there is work, polls a short while
 * ({@link #POLL_NANOS}: spinning for the first few microseconds, then yielding the CPU) when there
 * is none, then asks for kicks and sleeps.
 *
 * <p>Kicks never get lost: {@link #kick()} sets a flag and unparks only if the worker sleeps; the flag
 * and the sleeping mark are volatile and each side writes its own before reading the other's.
 * Suspension parks the worker between passes; kicks that arrive meanwhile are served on resume
 * (the worker makes a full pass first).
 *
 * <p>A kick from another worker's thread (a frame switched or cabled from one device's worker into
 * another's inbox) is held by the kicking worker until the end of its pass and given then, once per
 * kicked worker: a pass of 32 frames to one receiver makes one kick, not 32, and the kicking worker
 * does not stall on a locked write after every frame (each one waits for that frame's copy to
 * leave its core). Kicks from any other thread are given at once.
 *
 * <p>Only the worker's thread touches the queues it serves, so the datapath needs no lock.
 */
@ConsumerType
public abstract class QueueWorker implements Runnable {
  /** How long an idle worker keeps polling its queues before it asks for kicks and sleeps. */
  public static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
  /**
   * How long of {@link #POLL_NANOS} an idle worker spins on the CPU before it starts yielding it:
   * a driver that waits for each completion (queue depth 1) submits again within a microsecond or
   * two, and a worker inside {@code sched_yield} notices that later than one that spins.
   */
  private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(5);
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** The most workers one pass holds kicks for; a further one is kicked at once. */
  private static final int HELD_KICKS = 8;

  private final Thread thread;
  /** Workers this worker kicked during its pass, kicked at its end; this worker's thread only. */
  private final QueueWorker[] heldKicks = new QueueWorker[HELD_KICKS];
  private int heldCount;
  private WorkerHost host;
  private volatile boolean running = true;
  private volatile boolean kicked = true;
  private volatile boolean sleeping;
  private volatile boolean pauseRequested;
  /** Guarded by {@code this}; waited on by {@link #awaitPaused}. */
  private boolean paused;

  /**
   * A worker; the device starts it.
   *
   * @param name the thread's name
   * @param paused whether to start suspended (the device is suspended)
   */
  protected QueueWorker(String name, boolean paused) {
    this.pauseRequested = paused;
    this.thread = new WorkerThread(this, name);
    thread.setDaemon(true);
  }

  /**
   * One round over the worker's queues.
   *
   * @return true if anything was done (another pass follows at once)
   */
  protected abstract boolean pass();

  /**
   * Asks the driver to kick the queues this worker waits on, before it sleeps.
   *
   * @return true if work arrived meanwhile (the worker then does not sleep)
   */
  protected abstract boolean armNotifications();

  /** Tells the driver not to kick while the worker is awake. */
  protected abstract void disarmNotifications();

  /**
   * Whether the worker may ask for kicks before sleeping; a worker waiting on something other than
   * its driver (a full wire) says no, or asking would only make it spin.
   *
   * @return true by default
   */
  protected boolean mayArm() {
    return true;
  }

  /**
   * Work that does not come with a kick (frames queued from a wire): the worker does not sleep while
   * there is some.
   *
   * @return false by default
   */
  protected boolean moreWork() {
    return false;
  }

  /** Called on the worker's thread before its first pass. */
  protected void onStart() {}

  /** Called on the worker's thread before it parks for a suspend (give back what it holds). */
  protected void beforePause() {}

  /**
   * Checks a queue after a pass: a ring that needs a reset is marked broken, counted
   * ({@link QueueCounters#ringError()}) and reported, once.
   *
   * @param slot the queue
   * @return true if it broke just now
   */
  protected final boolean check(VqSlot<?> slot) {
    if (slot.queue() != null && slot.queue().needsReset() && !slot.broken() && running) {
      slot.markBroken();
      slot.counters().ringError();
      host.ringError(slot);
      return true;
    }
    return false;
  }

  /**
   * The worker's thread.
   *
   * @return the thread
   */
  public final Thread thread() {
    return thread;
  }

  final void start(WorkerHost h) {
    this.host = h;
    thread.start();
  }

  /** Something to do: wake up if asleep. Cheap, never blocks, any thread. */
  public final void kick() {
    if (Thread.currentThread() instanceof WorkerThread w && w.worker != this && w.worker.hold(this)) {
      return;
    }
    kickNow();
  }

  private void kickNow() {
    // written only when clear: a sender that kicks for every frame then reads the flag's line
    // instead of taking it from the worker's cache each time. Not lost: a flag seen set is cleared by
    // the worker only after this read, and the worker looks for work after clearing it
    if (!kicked) {
      kicked = true;
    }
    if (sleeping) {
      LockSupport.unpark(thread);
    }
  }

  final void stop() {
    running = false;
    LockSupport.unpark(thread);
  }

  /**
   * Waits for the thread to end, unless the caller is this worker (a callback that resets).
   *
   * @param millis how long to wait
   * @return true if the thread has ended or is the caller
   */
  final boolean join(long millis) {
    if (Thread.currentThread() == thread) {
      return true;
    }
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  final void pause() {
    pauseRequested = true;
    LockSupport.unpark(thread);
  }

  /**
   * Waits until the worker has parked for {@link #pause} (or has ended or never started).
   *
   * @param millis how long to wait
   * @return true if it is paused
   */
  final boolean awaitPaused(long millis) {
    if (Thread.currentThread() == thread || thread.getState() == Thread.State.NEW) {
      return true;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (this) {
      while (!paused && thread.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  final void resume() {
    pauseRequested = false;
    kicked = true;
    LockSupport.unpark(thread);
  }

  private synchronized void setPaused(boolean p) {
    paused = p;
    notifyAll();
  }

  @Override
  public final void run() {
    try {
      onStart();
      loop();
    } catch (RuntimeException | Error e) {
      host.workerFailed(this, e);
    } finally {
      giveHeldKicks();
      setPaused(true);
    }
  }

  /** Holds a kick from this worker's thread for another worker; false if too many are held. */
  private boolean hold(QueueWorker target) {
    final QueueWorker[] held = heldKicks;
    final int n = heldCount;
    for (int i = 0; i < n; i++) {
      if (held[i] == target) {
        return true;
      }
    }
    if (n == held.length) {
      return false;
    }
    held[n] = target;
    heldCount = n + 1;
    return true;
  }

  /** Gives the kicks held during the pass (this worker's thread). */
  private void giveHeldKicks() {
    final int n = heldCount;
    if (n == 0) {
      return;
    }
    final QueueWorker[] held = heldKicks;
    for (int i = 0; i < n; i++) {
      held[i].kickNow();
      held[i] = null;
    }
    heldCount = 0;
  }

  /** One pass, then the kicks it held. */
  private boolean step() {
    final boolean did = pass();
    giveHeldKicks();
    return did;
  }

  private void loop() {
    while (running) {
      if (pauseRequested) {
        beforePause();
        giveHeldKicks();
        setPaused(true);
        while (pauseRequested && running) {
          LockSupport.parkNanos(this, PARK_NANOS);
        }
        setPaused(false);
        continue;
      }
      kicked = false;
      if (step() || poll()) {
        continue;
      }
      if (mayArm() && armNotifications()) {
        disarmNotifications();
        continue;
      }
      giveHeldKicks();
      sleeping = true;
      if (!kicked && running && !pauseRequested && !moreWork()) {
        LockSupport.parkNanos(this, PARK_NANOS);
      }
      sleeping = false;
      disarmNotifications();
    }
  }

  /**
   * Polls for a short while before going to sleep: a driver that is sending keeps adding buffers,
   * and catching them without a kick and a wake-up is what makes a busy queue fast. Bounded, so an
   * idle worker sleeps within {@link #POLL_NANOS}.
   */
  private boolean poll() {
    final long start = System.nanoTime();
    long now = start;
    do {
      if (now - start < SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        // then yield, not spin: where busy threads outnumber cores the sender this worker waits
        // for may need this core; with a core to spare it returns at once
        Thread.yield();
      }
      if (step()) {
        return true;
      }
      now = System.nanoTime();
    } while (now - start < POLL_NANOS && running && !pauseRequested);
    return false;
  }

  /** A worker's thread: a kick made on it is held until the worker's pass ends. */
  private static final class WorkerThread extends Thread {
    final QueueWorker worker;

    WorkerThread(QueueWorker worker, String name) {
      super(worker, name);
      this.worker = worker;
    }
  }
}
