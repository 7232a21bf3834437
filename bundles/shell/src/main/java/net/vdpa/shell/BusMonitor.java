package net.vdpa.shell;

import java.io.PrintStream;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.remote.VdpaRuntime;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * What {@code vdpa:monitor} prints, one line per happening, in the order they came: the bus's
 * events ({@link MonitorFormat#line}) and, with remote management, the other runtimes in this
 * one's view: each announced once it is followed ({@code [runtime] UP B endpoint
 * tcp://127.0.0.1:9102}), then its bus events with its host ({@code [device] BOUND r0 driver
 * virtio_net host B}, read by a {@link RemoteFeed}), and {@code [runtime] DOWN B ...} when
 * discovery withdraws it. The sources only enqueue; the command's thread prints. One run, one
 * thread (and one per followed runtime).
 */
final class BusMonitor {
  private static final String IMPORTED = "(&(" + Constants.OBJECTCLASS + "=" + VdpaRuntime.class.getName()
      + ")(service.imported=*))";

  private final BundleContext context;
  private final long timeoutMs;

  /**
   * A monitor.
   *
   * @param context the shell's context
   * @param timeoutMs how long one call on another runtime may take
   */
  BusMonitor(BundleContext context, long timeoutMs) {
    this.context = context;
    this.timeoutMs = timeoutMs;
  }

  /** Prints up to {@code limit} lines as they come; returns when they are printed or on interrupt. */
  void run(PrintStream console, int limit) throws InterruptedException {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(EventConstants.EVENT_TOPIC, VdpaEvents.TOPIC_ALL);
    ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class, e -> lines.add(MonitorFormat.line(e)), p);
    Map<ServiceReference<?>, RemoteFeed> feeds = new ConcurrentHashMap<>();
    ServiceListener runtimes = e -> {
      ServiceReference<?> ref = e.getServiceReference();
      if (e.getType() == ServiceEvent.REGISTERED) {
        follow(ref, lines, feeds);
      } else if (e.getType() == ServiceEvent.UNREGISTERING) {
        RemoteFeed f = feeds.remove(ref);
        if (f != null) {
          f.stop();
        }
        lines.add(runtimeLine("DOWN", f == null ? null : f.host(), ref));
      }
    };
    try {
      context.addServiceListener(runtimes, IMPORTED);
      ServiceReference<?>[] already = context.getServiceReferences(VdpaRuntime.class.getName(), "(service.imported=*)");
      for (ServiceReference<?> ref : already == null ? new ServiceReference<?>[0] : already) {
        follow(ref, lines, feeds);
      }
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException("the imported-runtime filter is malformed", e);
    }
    try {
      for (int n = 0; n < limit; n++) {
        console.println(lines.take());
        console.flush();
      }
    } finally {
      try {
        context.removeServiceListener(runtimes);
        reg.unregister();
      } catch (IllegalStateException stopping) {
        // the shell bundle is stopping: its registrations go with it
      }
      feeds.values().forEach(RemoteFeed::stop);
    }
  }

  /** Starts following an imported runtime (once per reference), on a daemon thread of its own. */
  @SuppressWarnings("unchecked")
  private void follow(ServiceReference<?> ref, BlockingQueue<String> lines, Map<ServiceReference<?>, RemoteFeed> feeds) {
    RemoteFeed f = new RemoteFeed(context, (ServiceReference<VdpaRuntime>) ref, lines, timeoutMs);
    if (feeds.putIfAbsent(ref, f) == null) {
      Thread t = new Thread(f, "vdpa-monitor-" + ref.getProperty(VdpaRuntime.PROP_HOST));
      t.setDaemon(true);
      t.start();
    }
  }

  /** {@code [runtime] UP B endpoint tcp://127.0.0.1:9102}; without a host property, the endpoint alone. */
  static String runtimeLine(String what, ServiceReference<?> ref) {
    return runtimeLine(what, null, ref);
  }

  /**
   * The same with the host when known otherwise (a static list's endpoint does not carry it; the
   * runtime says it when asked).
   */
  static String runtimeLine(String what, String known, ServiceReference<?> ref) {
    Object host = known != null ? known : ref.getProperty(VdpaRuntime.PROP_HOST);
    Object endpoint = ref.getProperty("endpoint.id");
    return "[runtime] " + what + " " + (host != null ? host + " endpoint " + endpoint : String.valueOf(endpoint));
  }
}
