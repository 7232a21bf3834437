package net.vdpa.shell;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.vdpa.api.VdpaEvents;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Progress of a {@code dev add} that has to wait. The store returns once the device exists on the
 * bus (its configuration delivered, its management device has created it), which is quick; when it
 * is not (a management device that takes its time), the user sees why instead of a silent wait of
 * up to 15 s: past {@link #GRACE_MS} the bus's events about the device so far are printed, then
 * each new one as it comes, and a line each second saying how long it has waited. A quick add
 * prints nothing, as iproute2's does. Progress lines start with two spaces, as {@code
 * net:traffic}'s do.
 *
 * <p>Thread-safe: events arrive on Event Admin's threads, ticks on the timer's, both print under
 * this object's lock.
 */
final class AddProgress implements AutoCloseable {
  /** How long an add may take before progress is shown. */
  static final long GRACE_MS = 1000;

  private final String device;
  private final Consumer<String> out;
  private final Runnable stop;
  /** Guarded by this: event lines not printed yet (before the grace period ends). */
  private final List<String> pending = new ArrayList<>();
  /** Guarded by this: whether progress is shown (the grace period has passed). */
  private boolean shown;
  /** Guarded by this: closed, print nothing more. */
  private boolean closed;

  AddProgress(String device, Consumer<String> out, Runnable stop) {
    this.device = device;
    this.out = out;
    this.stop = stop;
  }

  /**
   * Starts watching the bus's events about {@code device} and ticking once a second after the grace period.
   *
   * @param out where progress lines go (the command's output)
   */
  static AddProgress open(BundleContext context, String device, Consumer<String> out) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vdpa-dev-add-progress " + device);
      t.setDaemon(true);
      return t;
    });
    ServiceRegistration<?>[] reg = new ServiceRegistration<?>[1];
    AddProgress p = new AddProgress(device, out, () -> {
      timer.shutdownNow();
      try {
        reg[0].unregister();
      } catch (IllegalStateException gone) {
        // the bundle stopped meanwhile: the framework took the handler back
      }
    });
    Dictionary<String, Object> props = new Hashtable<>();
    props.put(EventConstants.EVENT_TOPIC, "net/vdpa/device/*");
    reg[0] = context.registerService(EventHandler.class, e -> {
      if (device.equals(e.getProperty(VdpaEvents.DEVICE))) {
        p.event(MonitorFormat.line(e));
      }
    }, props);
    long start = System.nanoTime();
    timer.scheduleAtFixedRate(() -> p.tick(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
        GRACE_MS, 1000, TimeUnit.MILLISECONDS);
    return p;
  }

  /** A bus event about the device, as {@code vdpa:monitor} prints it. */
  synchronized void event(String line) {
    if (closed) {
      return;
    }
    if (shown) {
      out.accept("  " + line);
    } else {
      pending.add(line);
    }
  }

  /** The timer: the add has taken {@code elapsedMillis} so far. */
  synchronized void tick(long elapsedMillis) {
    if (closed) {
      return;
    }
    shown = true;
    pending.forEach(l -> out.accept("  " + l));
    pending.clear();
    out.accept("  waiting for the bus to create " + device + " (" + elapsedMillis / 1000 + " s)");
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    stop.run();
  }
}
