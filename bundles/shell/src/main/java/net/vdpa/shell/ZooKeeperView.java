package net.vdpa.shell;

import java.util.Hashtable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.remote.VdpaRuntime;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.remoteserviceadmin.EndpointEvent;
import org.osgi.service.remoteserviceadmin.EndpointEventListener;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Which other runtimes ZooKeeper's registry holds right now, so that a command knows how many
 * imports to wait for (the static list's {@link VdpaRuntime#PROP_PEERS} in ZooKeeper mode). Asked
 * through the standard Remote Services discovery contract: an {@link EndpointEventListener}
 * registered with a scope is told, at registration, every endpoint discovery holds that matches.
 * Aries RSA's ZooKeeper discovery serves listeners only once its client is connected, which it
 * marks by registering its own publishing listener (property {@value #CONNECTED_PROPERTY}); until
 * then this waits, at most until the command's deadline. Only touched in ZooKeeper mode (the
 * shell's import of the Remote Services package is optional). One command, one thread.
 */
final class ZooKeeperView {
  /** The property Aries 1.14's ZooKeeper discovery puts on its publishing listener. */
  static final String CONNECTED_PROPERTY = "org.apache.cxf.dosgi.discovery.zookeeper";

  private ZooKeeperView() {}

  /**
   * The endpoint ids of the other runtimes' facades in ZooKeeper's registry.
   *
   * @return the ids, or {@code null} when discovery had not connected by the deadline
   */
  static Set<String> others(BundleContext context, long deadlineNanos) throws InterruptedException {
    ServiceTracker<Object, Object> connected;
    try {
      connected = new ServiceTracker<>(context, context.createFilter("(" + CONNECTED_PROPERTY + "=true)"), null);
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException("the discovery filter is malformed", e);
    }
    connected.open(true);
    try {
      long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      // waitForService(0) would wait for ever: a deadline already past means "not connected"
      if (connected.getServiceReference() == null && (ms <= 0 || connected.waitForService(ms) == null)) {
        return null;
      }
    } finally {
      connected.close();
    }
    Set<String> ids = ConcurrentHashMap.newKeySet();
    EndpointEventListener listener = (event, filter) -> {
      String id = event.getEndpoint().getId();
      if (event.getType() == EndpointEvent.REMOVED || event.getType() == EndpointEvent.MODIFIED_ENDMATCH) {
        ids.remove(id);
      } else {
        ids.add(id);
      }
    };
    Hashtable<String, Object> scope = new Hashtable<>();
    scope.put(EndpointEventListener.ENDPOINT_LISTENER_SCOPE, "(&(" + Constants.OBJECTCLASS + "="
        + VdpaRuntime.class.getName() + ")(!(endpoint.framework.uuid=" + context.getProperty(Constants.FRAMEWORK_UUID) + ")))");
    ServiceRegistration<EndpointEventListener> reg = context.registerService(EndpointEventListener.class, listener, scope);
    reg.unregister(); // the registry's endpoints arrived during registration
    return Set.copyOf(ids);
  }
}
