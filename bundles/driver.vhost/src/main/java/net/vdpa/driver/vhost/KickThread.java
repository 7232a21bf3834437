package net.vdpa.driver.vhost;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.vdpa.api.VdpaDevice;

/**
 * Turns a frontend's kicks into {@link VdpaDevice#kickVq}: waits until the kick eventfd is readable
 * ({@code poll} with a timeout), drains it, kicks the device. Without an eventfd (NOFD) it polls: it
 * kicks the device every {@link #POLL_MICROS} microseconds.
 *
 * <p>Stopping never waits and never writes to the frontend's descriptor: {@link #stop()} clears a
 * flag that the thread checks at least every {@link #POLL_MILLIS} ms; the thread then closes its
 * descriptor itself. The loop allocates nothing.
 */
final class KickThread implements Runnable {
  /** The longest a poll waits before the stop flag is checked again. */
  static final int POLL_MILLIS = 50;
  /** How often a NOFD ring is kicked. */
  static final long POLL_MICROS = 200;

  private final VdpaDevice device;
  private final int idx;
  private final FileDescriptor fd;
  private final Log log;
  private final Thread thread;
  private final byte[] counter = new byte[8];
  private volatile boolean running = true;

  /**
   * A kick thread for one ring; not started.
   *
   * @param device the device to kick
   * @param idx the ring index
   * @param fd the kick eventfd, or null to poll
   * @param log where a broken descriptor is reported
   * @param name the thread name
   */
  KickThread(VdpaDevice device, int idx, FileDescriptor fd, Log log, String name) {
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
      if (fd == null) {
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
    final Object pollSet = Fds.pollSet(fd);
    final FileInputStream in = new FileInputStream(fd);
    final byte[] buf = counter;
    try {
      while (running) {
        if (Fds.pollIn(pollSet, POLL_MILLIS) <= 0) {
          continue;
        }
        if (!running) {
          break;
        }
        int n;
        try {
          n = in.read(buf, 0, 8);
        } catch (IOException spurious) {
          continue; // EAGAIN: someone else drained it
        }
        if (n != 8) {
          log.warn("device " + device.name() + ": kick fd of vring " + idx + " gave " + n
              + " bytes instead of an 8-byte eventfd counter; kicks for it stop");
          return;
        }
        device.kickVq(idx);
      }
    } catch (IOException e) {
      if (running) {
        log.warn("device " + device.name() + ": kick fd of vring " + idx + " failed: " + e.getMessage());
      }
    }
  }
}
