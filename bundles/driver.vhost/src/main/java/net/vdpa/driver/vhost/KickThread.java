package net.vdpa.driver.vhost;

import com.sun.jna.Memory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.unix.Fds;
import net.vdpa.unix.LibC;

/**
 * Turns a frontend's kicks into {@link VdpaDevice#kickVq}: waits until the kick eventfd is readable
 * ({@code poll} with a timeout), drains it, kicks the device. Without an eventfd (NOFD) it polls: it
 * kicks the device every {@link #POLL_MICROS} microseconds.
 *
 * <p>Stopping never waits and never writes to the frontend's descriptor: {@link #stop()} clears a
 * flag that the thread checks at least every {@link #POLL_MILLIS} ms; the thread then closes its
 * descriptor itself (it owns it). The loop allocates nothing. {@link #kicks()} counts what arrived,
 * so the session can tell a frontend that uses its rings from one that only holds them.
 */
final class KickThread implements Runnable {
  /** The longest a poll waits before the stop flag is checked again. */
  static final int POLL_MILLIS = 50;
  /** How often a NOFD ring is kicked. */
  static final long POLL_MICROS = 200;

  private final VdpaDevice device;
  private final int idx;
  private final int fd;
  private final EventLog log;
  private final Thread thread;
  private volatile boolean running = true;
  /** Written by this thread only. */
  private volatile long kicks;

  /**
   * A kick thread for one ring; not started.
   *
   * @param device the device to kick
   * @param idx the ring index
   * @param fd the kick eventfd (owned by the thread from now on), or -1 to poll
   * @param log where a broken descriptor is reported
   * @param name the thread name
   */
  KickThread(VdpaDevice device, int idx, int fd, EventLog log, String name) {
    this.device = device;
    this.idx = idx;
    this.fd = fd;
    this.log = log;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  /** Starts the thread. */
  void start() {
    thread.start();
  }

  /** Asks the thread to end; returns at once. */
  void stop() {
    running = false;
    LockSupport.unpark(thread);
  }

  /**
   * Waits for the thread to end, at most the given time.
   *
   * @param millis the longest wait
   */
  void awaitStop(long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Kicks received so far (a NOFD ring counts none).
   *
   * @return the count
   */
  long kicks() {
    return kicks;
  }

  /**
   * The thread (tests).
   *
   * @return the thread
   */
  Thread thread() {
    return thread;
  }

  @Override
  public void run() {
    try {
      if (fd < 0) {
        pollLoop();
      } else {
        eventLoop();
      }
    } finally {
      Fds.close(fd);
    }
  }

  private void pollLoop() {
    final long nanos = TimeUnit.MICROSECONDS.toNanos(POLL_MICROS);
    while (running) {
      device.kickVq(idx);
      LockSupport.parkNanos(this, nanos);
    }
  }

  private void eventLoop() {
    try (Memory pollfd = new Memory(8); Memory counter = new Memory(8)) {
      while (running) {
        pollfd.setInt(0, fd);
        pollfd.setShort(4, LibC.POLLIN);
        pollfd.setShort(6, (short) 0);
        int n = LibC.poll(pollfd, 1, POLL_MILLIS);
        if (n == 0 || !running) {
          continue;
        }
        if (n < 0) {
          int e = LibC.errno();
          if (e == LibC.EINTR) {
            continue;
          }
          log.warn("device " + device.name() + ": kick fd of vring " + idx + " failed: " + LibC.describe(e));
          return;
        }
        if ((pollfd.getShort(6) & (LibC.POLLNVAL | LibC.POLLERR)) != 0) {
          log.warn("device " + device.name() + ": kick fd of vring " + idx + " is not readable any more; kicks stop");
          return;
        }
        long got = LibC.read(fd, counter, 8);
        if (got < 0) {
          continue; // EAGAIN: someone else drained it
        }
        if (got != 8) {
          log.warn("device " + device.name() + ": kick fd of vring " + idx + " gave " + got
              + " bytes instead of an 8-byte eventfd counter; kicks for it stop");
          return;
        }
        kicks = kicks + 1;
        device.kickVq(idx);
      }
    }
  }
}
