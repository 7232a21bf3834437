package net.vdpa.shell;

import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.remote.EventBatch;
import net.vdpa.api.remote.RuntimeEvent;
import net.vdpa.api.remote.VdpaRuntime;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Follows one imported runtime's bus events for {@code vdpa:monitor}, on a thread of its own: long
 * polls ({@link VdpaRuntime#events}) that each wait at most half the call timeout, every event
 * queued as a line with the runtime's host. Announces the runtime ({@code [runtime] UP ...}) once
 * its first poll has answered, so that what follows the announcement is what happened there after
 * it. A poll that fails (the runtime is away) is tried again a second later; a runtime that
 * restarted under the same endpoint is followed from its new start. Stopped when the import goes
 * away or the monitor ends.
 */
final class RemoteFeed implements Runnable {
  /** How long a failed poll waits before the next. */
  static final long RETRY_MS = 1000;

  private final BundleContext context;
  private final ServiceReference<VdpaRuntime> ref;
  private final Queue<String> lines;
  private final long waitMs;
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** The runtime's host: from the import's properties, else asked of the runtime once it answers. */
  private volatile String host;

  /**
   * A feed; run it on a thread of its own.
   *
   * @param context the shell's context, to get the imported service
   * @param ref the imported runtime
   * @param lines where lines go (thread-safe)
   * @param timeoutMs how long one call may take here: a poll waits half of it, or half the
   *     exporter's own call timeout ({@code osgi.basic.timeout} of the endpoint) if that is shorter
   */
  RemoteFeed(BundleContext context, ServiceReference<VdpaRuntime> ref, Queue<String> lines, long timeoutMs) {
    this.context = context;
    this.ref = ref;
    this.lines = lines;
    long limit = timeoutMs;
    try {
      Object theirs = ref.getProperty("osgi.basic.timeout");
      if (theirs != null) {
        limit = Math.min(limit, Long.parseLong(theirs.toString().trim()));
      }
    } catch (NumberFormatException notANumber) {
      // the exporter's value is unreadable: ours bounds the call
    }
    this.waitMs = Math.max(1, limit / 2);
    Object h = ref.getProperty(VdpaRuntime.PROP_HOST);
    this.host = h == null ? null : h.toString();
  }

  /** The runtime's host once known, else {@code null}. */
  String host() {
    return host;
  }

  private String label() {
    return host != null ? host : String.valueOf(ref.getProperty("endpoint.id"));
  }

  /** Ends the feed: its thread returns after the poll in flight, if any. */
  void stop() {
    stopped.countDown();
  }

  @Override
  public void run() {
    VdpaRuntime rt;
    try {
      rt = context.getService(ref);
    } catch (IllegalStateException stopping) {
      return;
    }
    if (rt == null) {
      return; // withdrawn meanwhile
    }
    try {
      follow(rt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        context.ungetService(ref);
      } catch (IllegalStateException stopping) {
        // the shell bundle is stopping
      }
    }
  }

  private void follow(VdpaRuntime rt) throws InterruptedException {
    long after = -1;
    boolean announced = false;
    String failing = null;
    while (stopped.getCount() > 0) {
      EventBatch b;
      try {
        if (host == null) {
          // a static peer list's endpoint does not carry the host: ask the runtime itself
          host = rt.host();
        }
        b = rt.events(after, after < 0 ? 0 : waitMs);
      } catch (IllegalArgumentException restarted) {
        after = -1; // its events start again from 1: follow from now
        continue;
      } catch (RuntimeException away) {
        String why = RemoteRuntimes.rootMessage(away);
        if (!announced) {
          lines.add(BusMonitor.runtimeLine("UP", host, ref) + " (events not followed yet: " + why + ")");
          announced = true;
        } else if (!why.equals(failing)) {
          lines.add("[runtime] " + label() + " events not followed: " + why);
        }
        failing = why;
        stopped.await(RETRY_MS, TimeUnit.MILLISECONDS);
        continue;
      }
      if (!announced) {
        lines.add(BusMonitor.runtimeLine("UP", host, ref));
        announced = true;
      }
      failing = null;
      if (b.missed() > 0) {
        lines.add("[runtime] " + label() + " events missed " + b.missed());
      }
      for (RuntimeEvent e : b.events()) {
        lines.add(MonitorFormat.line(e, label()));
      }
      after = b.next();
    }
  }
}
