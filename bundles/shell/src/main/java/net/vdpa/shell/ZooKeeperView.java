package net.vdpa.shell;

import java.util.Hashtable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.remote.VdpaRuntime;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.remoteserviceadmin.EndpointEvent;
import org.osgi.service.remoteserviceadmin.EndpointEventListener;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Which other runtimes ZooKeeper's registry holds right now, so that a command knows how many
 * imports to wait for (the static list's {@link VdpaRuntime#PROP_PEERS} in ZooKeeper mode). Asked
 * through the standard Remote Services discovery contract: an {@link EndpointEventListener}
 * registered with a scope is told every endpoint discovery holds that matches, by the thread that
 * hands the listener to discovery. Only touched in ZooKeeper mode (the shell's import of the
 * Remote Services package is optional). One command, one thread.
 *
 * <p>When that thread is this one, the answer is complete once the registration returns. Aries
 * RSA 1.14's ZooKeeper discovery marks its client connected (its publishing listener, property
 * {@value #CONNECTED_PROPERTY}) a moment <em>before</em> it starts tracking listeners: a listener
 * registered in that moment is handed over later, on discovery's own thread, and this one cannot
 * tell when that thread is done telling. So the view registers its listener as a service factory,
 * which shows which thread took it; when it was another thread, discovery is tracking by then, and
 * a second registration is handed over on this thread, completely.
 */
final class ZooKeeperView {
  /** The property Aries 1.14's ZooKeeper discovery puts on its publishing listener. */
  static final String CONNECTED_PROPERTY = "org.apache.cxf.dosgi.discovery.zookeeper";

  private ZooKeeperView() {}

  /**
   * The endpoint ids of the other runtimes' facades in ZooKeeper's registry.
   *
   * @return the ids, or {@code null} when discovery had not connected, or not taken the view's
   *     listener, by the deadline
   */
  static Set<String> others(BundleContext context, long deadlineNanos) throws InterruptedException {
    Bundle discovery = awaitConnected(context, deadlineNanos);
    if (discovery == null) {
      return null;
    }
    Hashtable<String, Object> scope = new Hashtable<>();
    scope.put(EndpointEventListener.ENDPOINT_LISTENER_SCOPE, "(&(" + Constants.OBJECTCLASS + "="
        + VdpaRuntime.class.getName() + ")(!(endpoint.framework.uuid=" + context.getProperty(Constants.FRAMEWORK_UUID) + ")))");
    while (true) {
      Told told = new Told(discovery);
      ServiceRegistration<EndpointEventListener> reg = context.registerService(EndpointEventListener.class, (ServiceFactory<EndpointEventListener>) told, scope);
      try {
        Thread taker = told.awaitTaker(deadlineNanos);
        if (taker == null) {
          return null;
        }
        if (taker == Thread.currentThread()) {
          return Set.copyOf(told.ids);
        }
        // taken while discovery was starting to track: ask again, now answered on this thread
      } finally {
        reg.unregister();
      }
    }
  }

  /**
   * Waits until discovery marks its client connected.
   *
   * @return the discovery bundle, or {@code null} if not connected by the deadline (one already
   *     past means "not connected")
   */
  private static Bundle awaitConnected(BundleContext context, long deadlineNanos) throws InterruptedException {
    ServiceTracker<Object, Object> connected;
    try {
      connected = new ServiceTracker<>(context, context.createFilter("(" + CONNECTED_PROPERTY + "=true)"), null);
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException("the discovery filter is malformed", e);
    }
    connected.open(true);
    try {
      long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      // waitForService(0) would wait for ever
      if (connected.getServiceReference() == null && (ms <= 0 || connected.waitForService(ms) == null)) {
        return null;
      }
      ServiceReference<Object> marker = connected.getServiceReference();
      return marker == null ? null : marker.getBundle();
    } finally {
      connected.close();
    }
  }

  /**
   * The view's listener, registered as a factory so that it sees which thread discovery took it on
   * (other discoveries, such as Aries' static one, may take it too: only ZooKeeper's counts).
   */
  private static final class Told implements ServiceFactory<EndpointEventListener>, EndpointEventListener {
    final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final Bundle discovery;
    private Thread taker;

    Told(Bundle discovery) {
      this.discovery = discovery;
    }

    @Override
    public void endpointChanged(EndpointEvent event, String filter) {
      String id = event.getEndpoint().getId();
      if (event.getType() == EndpointEvent.REMOVED || event.getType() == EndpointEvent.MODIFIED_ENDMATCH) {
        ids.remove(id);
      } else {
        ids.add(id);
      }
    }

    @Override
    public synchronized EndpointEventListener getService(Bundle bundle, ServiceRegistration<EndpointEventListener> reg) {
      if (taker == null && bundle.equals(discovery)) {
        taker = Thread.currentThread();
        notifyAll();
      }
      return this;
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<EndpointEventListener> reg, EndpointEventListener l) {
      // nothing held
    }

    /** The thread that first took the listener, or {@code null} if none did by the deadline. */
    synchronized Thread awaitTaker(long deadlineNanos) throws InterruptedException {
      long left;
      while (taker == null && (left = deadlineNanos - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return taker;
    }
  }
}
