package net.vdpa.config;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import net.vdpa.api.VdpaEvents;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Waits for the bus to show what a store call did to one device, on the bus's events: open it
 * before the call, then {@link #until} checks the bus's DTO once and again after each event about
 * the device, never on a timer. Every piece of bus work on a device ends with an event ({@code
 * BOUND}, {@code UNBOUND}, {@code MOVED}, {@code STAYS}, {@code SETTLED}, {@code REMOVED}, see
 * {@link VdpaEvents}), and the listener is in place before the call, so no change is missed.
 *
 * <p>Thread-safe: events arrive on Event Admin's threads, the caller waits on its own.
 */
final class BusWait implements AutoCloseable {
  private final String device;
  private final Runnable unregister;
  /** Guarded by this: events about the device so far. */
  private long events;

  /** Listens for the device's events on Event Admin until closed. */
  static BusWait open(BundleContext context, String device) {
    AtomicReference<ServiceRegistration<EventHandler>> reg = new AtomicReference<>();
    BusWait wait = new BusWait(device, () -> {
      try {
        reg.get().unregister();
      } catch (IllegalStateException gone) {
        // the bundle stopped while waiting: the framework took the handler back already
      }
    });
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(EventConstants.EVENT_TOPIC, "net/vdpa/device/*");
    reg.set(context.registerService(EventHandler.class, wait::event, p));
    return wait;
  }

  BusWait(String device, Runnable unregister) {
    this.device = device;
    this.unregister = unregister;
  }

  /** An event from the bus: wakes the waiter if it is about the device. */
  void event(Event e) {
    if (device.equals(e.getProperty(VdpaEvents.DEVICE))) {
      synchronized (this) {
        events++;
        notifyAll();
      }
    }
  }

  /**
   * Returns once {@code done} holds, checking it now and after each event about the device.
   *
   * @param what what is awaited, for the message
   * @param millis the longest wait
   * @throws IllegalStateException naming {@code what} if the time runs out or the thread is interrupted
   */
  void until(String what, BooleanSupplier done, long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      while (true) {
        long seen;
        synchronized (this) {
          seen = events;
        }
        if (done.getAsBoolean()) {
          return;
        }
        synchronized (this) {
          while (events == seen) {
            long left = end - System.nanoTime();
            if (left <= 0) {
              throw new IllegalStateException("timed out after " + millis / 1000 + " s waiting for " + what);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what);
    }
  }

  @Override
  public void close() {
    unregister.run();
  }
}
