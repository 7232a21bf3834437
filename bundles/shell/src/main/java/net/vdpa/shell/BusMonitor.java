package net.vdpa.shell;

import java.io.PrintStream;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
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
 * What {@code vdpa:monitor} prints, one line per happening, in the order they happened: the bus's
 * events ({@link MonitorFormat#line}) and, with remote management, other runtimes coming into and
 * leaving this one's view as discovery imports and withdraws them ({@code [runtime] UP B endpoint
 * tcp://127.0.0.1:9102}, {@code [runtime] DOWN B ...}). Both sources only enqueue; the command's
 * thread prints. One run, one thread.
 */
final class BusMonitor {
  private static final String IMPORTED = "(&(" + Constants.OBJECTCLASS + "=" + VdpaRuntime.class.getName()
      + ")(service.imported=*))";

  private final BundleContext context;

  BusMonitor(BundleContext context) {
    this.context = context;
  }

  /** Prints up to {@code limit} lines as they come; returns when they are printed or on interrupt. */
  void run(PrintStream console, int limit) throws InterruptedException {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(EventConstants.EVENT_TOPIC, VdpaEvents.TOPIC_ALL);
    ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class, e -> lines.add(MonitorFormat.line(e)), p);
    ServiceListener runtimes = e -> {
      if (e.getType() == ServiceEvent.REGISTERED) {
        lines.add(runtimeLine("UP", e.getServiceReference()));
      } else if (e.getType() == ServiceEvent.UNREGISTERING) {
        lines.add(runtimeLine("DOWN", e.getServiceReference()));
      }
    };
    try {
      context.addServiceListener(runtimes, IMPORTED);
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
    }
  }

  /** {@code [runtime] UP B endpoint tcp://127.0.0.1:9102}; without a host property, the endpoint alone. */
  static String runtimeLine(String what, ServiceReference<?> ref) {
    Object host = ref.getProperty(VdpaRuntime.PROP_HOST);
    Object endpoint = ref.getProperty("endpoint.id");
    return "[runtime] " + what + " " + (host != null ? host + " endpoint " + endpoint : String.valueOf(endpoint));
  }
}
