package net.vdpa.device.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Kicks: from another thread at once; from another worker's pass at the pass's end, once per worker. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueWorkerTest {
  private static final WorkerHost HOST = new WorkerHost() {
    @Override
    public void ringError(VqSlot<?> slot) {}

    @Override
    public void workerFailed(QueueWorker worker, Throwable error) {
      error.printStackTrace();
    }
  };

  /** A worker with no driver to ask for kicks: only its passes differ. */
  private abstract static class TestWorker extends QueueWorker {
    TestWorker(String name) {
      super(name, false);
    }

    @Override
    protected boolean armNotifications() {
      return false;
    }

    @Override
    protected void disarmNotifications() {}
  }

  /** A worker whose work is a counter others add to; it counts the passes that found some. */
  private static final class Receiver extends TestWorker {
    final AtomicInteger work = new AtomicInteger();
    final AtomicInteger served = new AtomicInteger();
    final AtomicInteger wakeUps = new AtomicInteger();
    private boolean wasIdle;

    Receiver() {
      super("receiver");
    }

    @Override
    protected boolean pass() {
      int n = work.getAndSet(0);
      if (n == 0) {
        wasIdle = true;
        return false;
      }
      if (wasIdle) {
        wakeUps.incrementAndGet();
        wasIdle = false;
      }
      served.addAndGet(n);
      return true;
    }
  }

  /** A worker whose one pass runs the given action, then idles. */
  private static final class Sender extends TestWorker {
    private final Runnable action;
    private boolean done;

    Sender(Runnable action) {
      super("sender");
      this.action = action;
    }

    @Override
    protected boolean pass() {
      if (done) {
        return false;
      }
      done = true;
      action.run();
      return true;
    }
  }

  private final Receiver receiver = new Receiver();
  private Sender sender;

  @AfterEach
  void stop() {
    receiver.stop();
    receiver.join(5000);
    if (sender != null) {
      sender.stop();
      sender.join(5000);
    }
  }

  @Test
  void aKickFromAnotherThreadWakesASleepingWorkerAtOnce() throws Exception {
    receiver.start(HOST);
    untilAsleep(receiver.thread());
    receiver.work.incrementAndGet();
    receiver.kick();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (receiver.served.get() < 1) {
      assertTrue(System.nanoTime() < deadline, "the kick did not wake the worker");
      Thread.sleep(1);
    }
  }

  /** Waits until the worker has polled out and parked (its park lasts up to 100 ms). */
  private static void untilAsleep(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.TIMED_WAITING) {
      assertTrue(System.nanoTime() < deadline, "the worker never went to sleep");
      Thread.sleep(1);
    }
  }

  @Test
  void kicksFromAnotherWorkersPassAreGivenWhenThePassEndsOncePerWorker() throws Exception {
    receiver.start(HOST);
    untilAsleep(receiver.thread());
    CountDownLatch kicked = new CountDownLatch(1);
    CountDownLatch passEnded = new CountDownLatch(1);
    AtomicInteger servedDuringPass = new AtomicInteger(-1);
    sender = new Sender(() -> {
      for (int i = 0; i < 32; i++) {
        receiver.work.incrementAndGet();
        receiver.kick();
      }
      kicked.countDown();
      try {
        // the receiver sleeps on while this pass runs (well inside its 100 ms park: it parked
        // just before the sender started)
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      servedDuringPass.set(receiver.served.get());
      passEnded.countDown();
    });
    sender.start(HOST);
    assertTrue(kicked.await(10, TimeUnit.SECONDS));
    assertTrue(passEnded.await(10, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (receiver.served.get() < 32) {
      assertTrue(System.nanoTime() < deadline, "the held kick was never given");
      Thread.sleep(1);
    }
    assertEquals(0, servedDuringPass.get(), "the receiver woke during the sender's pass");
    assertEquals(1, receiver.wakeUps.get(), "32 kicks in one pass wake the receiver once");
  }
}
