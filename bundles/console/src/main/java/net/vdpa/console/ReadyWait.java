package net.vdpa.console;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.vdpa.api.VdpaEvents;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Waits until {@link Readiness} says the runtime is ready. It checks again whenever something that
 * can change the answer happens, and only then: a bundle event, a service event, a configuration
 * event, a bus event ({@code net/vdpa/*}) or a log entry (a component that fails to activate says
 * so in the log and nowhere else).
 */
final class ReadyWait {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Counts events; guarded by {@link #lock}. */
  private long events;

  private ReadyWait() {}

  /**
   * Waits for readiness.
   *
   * @return empty when ready, else what was still not ready when the time ran out
   */
  static Optional<String> await(BundleContext context, long timeout, TimeUnit unit) throws InterruptedException {
    return new ReadyWait().run(context, unit.toNanos(timeout));
  }

  private void signal() {
    lock.lock();
    try {
      events++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private Optional<String> run(BundleContext context, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    BundleListener bl = e -> signal();
    ServiceListener sl = e -> signal();
    LogListener ll = e -> signal();
    context.addBundleListener(bl);
    context.addServiceListener(sl);
    Dictionary<String, Object> topics = new Hashtable<>();
    topics.put(EventConstants.EVENT_TOPIC, VdpaEvents.TOPIC_ALL);
    ServiceRegistration<EventHandler> eh = context.registerService(EventHandler.class, e -> signal(), topics);
    ServiceRegistration<ConfigurationListener> cl = context.registerService(ConfigurationListener.class, e -> signal(), null);
    ServiceReference<LogReaderService> lr = context.getServiceReference(LogReaderService.class);
    LogReaderService reader = lr == null ? null : context.getService(lr);
    if (reader != null) {
      reader.addLogListener(ll);
    }
    try (Readiness readiness = new Readiness(context)) {
      while (true) {
        long seen;
        lock.lock();
        try {
          seen = events;
        } finally {
          lock.unlock();
        }
        Optional<String> missing = readiness.check();
        if (missing.isEmpty()) {
          return missing;
        }
        lock.lock();
        try {
          while (events == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              return missing;
            }
            changed.awaitNanos(left);
          }
        } finally {
          lock.unlock();
        }
      }
    } finally {
      try {
        if (reader != null) {
          reader.removeLogListener(ll);
          context.ungetService(lr);
        }
        cl.unregister();
        eh.unregister();
        context.removeServiceListener(sl);
        context.removeBundleListener(bl);
      } catch (IllegalStateException e) {
        // the bundle stopped while waiting: the framework took everything back already
      }
    }
  }
}
