package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.remote.EventBatch;
import net.vdpa.api.remote.RuntimeEvent;
import net.vdpa.api.remote.VdpaRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@link RemoteFeed} following a runtime service in a real framework, as the monitor does. */
class RemoteFeedTest {
  private EmptyFramework framework;
  private BundleContext context;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private RemoteFeed feed;

  @BeforeEach
  void start() throws Exception {
    framework = new EmptyFramework();
    context = framework.context();
  }

  @AfterEach
  void stop() throws Exception {
    if (feed != null) {
      feed.stop();
    }
    framework.close();
  }

  private static RuntimeEvent bound(long seq, String device) {
    return new RuntimeEvent(seq, VdpaEvents.DEVICE_BOUND, Map.of(VdpaEvents.DEVICE, device, VdpaEvents.DRIVER, "virtio_net"));
  }

  private void follow(Scripted rt) {
    follow(rt, true);
  }

  private void follow(Scripted rt, boolean hostInProperties) {
    Hashtable<String, Object> p = new Hashtable<>();
    if (hostInProperties) {
      p.put(VdpaRuntime.PROP_HOST, "B");
    }
    p.put("endpoint.id", "tcp://127.0.0.1:9102");
    ServiceReference<VdpaRuntime> ref = context.registerService(VdpaRuntime.class, rt.service(), p).getReference();
    feed = new RemoteFeed(context, ref, lines, 400);
    Thread t = new Thread(feed, "feed");
    t.setDaemon(true);
    t.start();
  }

  private String next() throws InterruptedException {
    String l = lines.poll(10, TimeUnit.SECONDS);
    assertThat(l).as("a line within 10 s").isNotNull();
    return l;
  }

  @Test
  void announcesTheRuntimeOnceFollowedThenItsEventsWithItsHostAndWhatWasMissed() throws Exception {
    Scripted rt = new Scripted();
    rt.answers.add(new EventBatch(5, List.of(), 0));
    rt.answers.add(new EventBatch(7, List.of(bound(6, "r0"), bound(7, "r1")), 0));
    rt.answers.add(new EventBatch(2000, List.of(bound(2000, "r2")), 1024));
    follow(rt);
    assertThat(next()).isEqualTo("[runtime] UP B endpoint tcp://127.0.0.1:9102");
    assertThat(next()).isEqualTo("[device] BOUND r0 driver virtio_net host B");
    assertThat(next()).isEqualTo("[device] BOUND r1 driver virtio_net host B");
    assertThat(next()).isEqualTo("[runtime] B events missed 1024");
    assertThat(next()).isEqualTo("[device] BOUND r2 driver virtio_net host B");
    // the first call asks for the position only, then each from the last batch's position, waiting half the timeout
    assertThat(rt.asked(4)).containsExactly("-1/0", "5/200", "7/200", "2000/200");
  }

  @Test
  void aStaticListsEndpointWithoutHostIsNamedByWhatTheRuntimeSays() throws Exception {
    Scripted rt = new Scripted();
    rt.answers.add(new EventBatch(1, List.of(), 0));
    rt.answers.add(new EventBatch(2, List.of(bound(2, "r0")), 0));
    follow(rt, false);
    assertThat(next()).isEqualTo("[runtime] UP B endpoint tcp://127.0.0.1:9102");
    assertThat(next()).isEqualTo("[device] BOUND r0 driver virtio_net host B");
  }

  @Test
  void aRuntimeThatIsAwayIsAnnouncedAsNotFollowedAndTriedAgain() throws Exception {
    Scripted rt = new Scripted();
    rt.answers.add(new IllegalStateException("Connection refused"));
    rt.answers.add(new EventBatch(3, List.of(), 0));
    rt.answers.add(new EventBatch(4, List.of(bound(4, "r0")), 0));
    follow(rt);
    assertThat(next()).isEqualTo("[runtime] UP B endpoint tcp://127.0.0.1:9102 (events not followed yet: Connection refused)");
    assertThat(next()).isEqualTo("[device] BOUND r0 driver virtio_net host B");
    assertThat(rt.asked(3)).containsExactly("-1/0", "-1/0", "3/200");
  }

  @Test
  void aRuntimeThatRestartedIsFollowedFromItsNewStart() throws Exception {
    Scripted rt = new Scripted();
    rt.answers.add(new EventBatch(40, List.of(), 0));
    rt.answers.add(new IllegalArgumentException("event position 40 lies beyond the latest event, 2"));
    rt.answers.add(new EventBatch(2, List.of(), 0));
    rt.answers.add(new EventBatch(3, List.of(bound(3, "r0")), 0));
    follow(rt);
    assertThat(next()).startsWith("[runtime] UP B");
    assertThat(next()).isEqualTo("[device] BOUND r0 driver virtio_net host B");
    assertThat(rt.asked(4)).containsExactly("-1/0", "40/200", "-1/0", "2/200");
  }

  /** A runtime answering events() from a script (a batch, or an exception to throw), then waiting. */
  private static final class Scripted {
    final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    private final List<String> asked = new ArrayList<>();

    synchronized List<String> asked(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (asked.size() < n && System.nanoTime() < deadline) {
        wait(100);
      }
      return List.copyOf(asked.subList(0, Math.min(n, asked.size())));
    }

    EventBatch events(long after, long waitMs) {
      synchronized (this) {
        asked.add(after + "/" + waitMs);
        notifyAll();
      }
      Object a;
      try {
        a = answers.poll(waitMs, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (a == null) {
        return new EventBatch(Math.max(0, after), List.of(), 0); // nothing in the wait
      }
      if (a instanceof RuntimeException e) {
        throw e;
      }
      return (EventBatch) a;
    }

    /** The runtime as a service: events from the script, host "B", nothing else. */
    VdpaRuntime service() {
      return (VdpaRuntime) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {VdpaRuntime.class},
          (proxy, m, args) -> switch (m.getName()) {
            case "events" -> events((Long) args[0], (Long) args[1]);
            case "host" -> "B";
            default -> throw new UnsupportedOperationException(m.getName());
          });
    }
  }
}
