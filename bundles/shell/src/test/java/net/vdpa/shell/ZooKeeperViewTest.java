package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.remote.VdpaRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.remoteserviceadmin.EndpointDescription;
import org.osgi.service.remoteserviceadmin.EndpointEvent;
import org.osgi.service.remoteserviceadmin.EndpointEventListener;
import org.osgi.util.tracker.ServiceTracker;

/**
 * {@link ZooKeeperView} against a discovery that behaves as Aries RSA 1.14's ZooKeeper discovery
 * does, in a real framework: it marks itself connected, then tracks endpoint listeners and tells
 * each, on the thread that hands it over, the endpoints its scope matches.
 */
class ZooKeeperViewTest {
  private EmptyFramework framework;
  private BundleContext context;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    framework = new EmptyFramework();
    context = framework.context();
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    framework.close();
  }

  @Test
  void discoveryAlreadyTrackingAnswersOnTheCallersThread() throws Exception {
    markConnected();
    tracker(false).open();
    assertThat(ZooKeeperView.others(context, deadline(5000))).containsExactlyInAnyOrder("tcp://b:1", "tcp://c:1");
  }

  /**
   * The race CI met: connected is marked, the view registers its listener, and only then does
   * discovery open its tracker, on its own thread, and hand the listener over there (here it
   * stalls after the first endpoint). The view must still answer with every endpoint.
   */
  @Test
  void trackingThatStartsOnDiscoverysThreadAfterTheViewRegisteredStillAnswersWhole() throws Exception {
    markConnected();
    ServiceTracker<EndpointEventListener, EndpointEventListener> late = tracker(true);
    CountDownLatch viewRegistered = new CountDownLatch(1);
    ServiceListener seen = event -> {
      if (event.getType() == ServiceEvent.REGISTERED) {
        viewRegistered.countDown();
      }
    };
    context.addServiceListener(seen, "(" + EndpointEventListener.ENDPOINT_LISTENER_SCOPE + "=*)");
    Thread discovery = new Thread(() -> {
      try {
        if (viewRegistered.await(10, TimeUnit.SECONDS)) {
          late.open();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "discovery");
    discovery.start();
    assertThat(ZooKeeperView.others(context, deadline(10_000))).containsExactlyInAnyOrder("tcp://b:1", "tcp://c:1");
    context.removeServiceListener(seen);
  }

  @Test
  void notConnectedByTheDeadlineIsNull() throws Exception {
    assertThat(ZooKeeperView.others(context, deadline(200))).isNull();
  }

  @Test
  void connectedButNeverTakingTheListenerIsNullAtTheDeadline() throws Exception {
    markConnected();
    assertThat(ZooKeeperView.others(context, deadline(300))).isNull();
  }

  private static long deadline(long ms) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
  }

  private void markConnected() {
    Hashtable<String, Object> p = new Hashtable<>();
    p.put(ZooKeeperView.CONNECTED_PROPERTY, "true");
    context.registerService(EndpointEventListener.class, (event, filter) -> {}, p);
  }

  /**
   * Discovery's tracker of endpoint listeners (not its own marker): tells each what its scope
   * matches of two other runtimes, this one, and a service that is no runtime.
   *
   * @param stallFirst whether the first listener handed over on the "discovery" thread stalls after its first endpoint
   */
  private ServiceTracker<EndpointEventListener, EndpointEventListener> tracker(boolean stallFirst) throws Exception {
    List<EndpointDescription> registry = List.of(endpoint("tcp://b:1", VdpaRuntime.class.getName(), "uuid-b"),
        endpoint("tcp://self:1", VdpaRuntime.class.getName(), context.getProperty(Constants.FRAMEWORK_UUID)),
        endpoint("tcp://c:1", VdpaRuntime.class.getName(), "uuid-c"), endpoint("tcp://d:1", "com.example.Other", "uuid-d"));
    String filter = "(&(" + Constants.OBJECTCLASS + "=" + EndpointEventListener.class.getName() + ")(!("
        + ZooKeeperView.CONNECTED_PROPERTY + "=*)))";
    return new ServiceTracker<>(context, context.createFilter(filter), null) {
      private boolean stalled = !stallFirst;

      @Override
      public EndpointEventListener addingService(ServiceReference<EndpointEventListener> ref) {
        EndpointEventListener l = context.getService(ref);
        String scope = (String) ref.getProperty(EndpointEventListener.ENDPOINT_LISTENER_SCOPE);
        for (EndpointDescription e : registry) {
          if (e.matches(scope)) {
            l.endpointChanged(new EndpointEvent(EndpointEvent.ADDED, e), scope);
            // only on discovery's own thread: Felix may also hand the new tracker the view's
            // registration event on the registering thread, which must then answer whole
            if (!stalled && Thread.currentThread().getName().equals("discovery")) {
              stalled = true;
              try {
                release.await();
              } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
              }
            }
          }
        }
        return l;
      }
    };
  }

  private static EndpointDescription endpoint(String id, String objectClass, String uuid) {
    Map<String, Object> p = new HashMap<>();
    p.put(Constants.OBJECTCLASS, new String[] {objectClass});
    p.put("endpoint.id", id);
    p.put("service.imported.configs", "aries.tcp");
    p.put("endpoint.framework.uuid", uuid);
    return new EndpointDescription(p);
  }
}
