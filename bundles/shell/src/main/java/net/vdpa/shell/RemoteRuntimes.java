package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import net.vdpa.api.remote.VdpaRuntime;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * The other runtimes one command talks to: the {@link VdpaRuntime} services imported through
 * Remote Services (they carry {@code service.imported}), each call bounded by the timeout the
 * local facade states ({@link VdpaRuntime#PROP_TIMEOUT}, 3000 ms without one). A call that does
 * not answer in time fails with a message naming the runtime; its thread is left to Aries' socket
 * timeout (the same value), so nothing waits longer. Close it with try-with-resources: the
 * services it got are released. One command, one thread.
 */
final class RemoteRuntimes implements AutoCloseable {
  static final long DEFAULT_TIMEOUT_MS = 3000;

  /** One imported runtime: how errors name it before its host name is known, and its proxy. */
  record Peer(String label, VdpaRuntime runtime) {}

  private final BundleContext context;
  private final ExecutorService calls;
  private final HeldServices held;
  /** Why the last {@link #peers} may have missed runtimes (discovery not connected), or {@code null}. */
  private String discoveryNote;

  /** The threads calls on other runtimes run on (daemons: a call left waiting never holds the JVM). */
  static ExecutorService callPool() {
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "vdpa-remote-call");
      t.setDaemon(true);
      return t;
    });
  }

  RemoteRuntimes(BundleContext context, ExecutorService calls) {
    this.context = context;
    this.calls = calls;
    this.held = new HeldServices(context);
  }

  /** The local facade's host name, or {@code null} when remote management is off. */
  String localHost() {
    ServiceReference<VdpaRuntime> r = local();
    return r == null ? null : String.valueOf(r.getProperty(VdpaRuntime.PROP_HOST));
  }

  /** How long one call may take. */
  long timeoutMs() {
    ServiceReference<VdpaRuntime> r = local();
    return r != null && r.getProperty(VdpaRuntime.PROP_TIMEOUT) instanceof Long t ? t : DEFAULT_TIMEOUT_MS;
  }

  /**
   * The imported runtimes, each held until {@link #close}. Right after a start discovery may not
   * have imported them yet: this waits (at most the timeout) until as many runtimes are imported as
   * the static list names, or as ZooKeeper's registry holds ({@link ZooKeeperView}).
   */
  List<Peer> peers() throws InterruptedException {
    ServiceReference<VdpaRuntime> local = local();
    int expected = local != null && local.getProperty(VdpaRuntime.PROP_PEERS) instanceof Integer n ? n : 0;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs());
    Object zk = local == null ? null : local.getProperty(VdpaRuntime.PROP_ZOOKEEPER);
    discoveryNote = null;
    if (zk != null) {
      Set<String> known = ZooKeeperView.others(context, deadline);
      if (known == null) {
        discoveryNote = "discovery: ZooKeeper " + zk + " not reached within " + timeoutMs() + " ms";
      } else {
        expected = known.size();
      }
    }
    List<ServiceReference<VdpaRuntime>> imported = awaitImported(expected, deadline);
    List<Peer> out = new ArrayList<>();
    for (ServiceReference<VdpaRuntime> r : imported) {
      VdpaRuntime rt = held.get(r);
      if (rt != null) {
        Object host = r.getProperty(VdpaRuntime.PROP_HOST);
        out.add(new Peer(String.valueOf(host != null ? host : r.getProperty("endpoint.id")), rt));
      }
    }
    return out;
  }

  /** Why the last {@link #peers} may lack runtimes (ZooKeeper not reached in time), or {@code null}. */
  String discoveryNote() {
    return discoveryNote;
  }

  /** Starts a call on a peer; {@link #await} collects it. */
  <T> Future<T> start(Peer p, Function<VdpaRuntime, T> call) {
    return calls.submit(() -> call.apply(p.runtime()));
  }

  /**
   * The result of a started call, waiting at most until {@code deadlineNanos}.
   *
   * @throws IllegalArgumentException naming the runtime when it did not answer in time or the
   *     call failed; a refusal from the runtime keeps its own message
   */
  <T> T await(Peer p, Future<T> f, long deadlineNanos) throws InterruptedException {
    try {
      return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IllegalArgumentException("runtime " + p.label() + " did not answer within " + timeoutMs() + " ms");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IllegalArgumentException || c instanceof IllegalStateException) {
        throw new IllegalArgumentException(c.getMessage());
      }
      throw new IllegalArgumentException("runtime " + p.label() + " did not answer: " + rootMessage(c));
    }
  }

  /** One call, bounded by the timeout. */
  <T> T call(Peer p, Function<VdpaRuntime, T> call) throws InterruptedException {
    return await(p, start(p, call), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs()));
  }

  /**
   * The imported runtime with that host name, waiting up to the timeout for it to be imported
   * (discovery may still be at work when a script's first command runs).
   *
   * @throws IllegalArgumentException naming the host when no runtime of that name answered
   */
  Peer named(String host) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs());
    List<String> silent = new ArrayList<>();
    try (ImportWatch watch = new ImportWatch()) {
      long seen;
      do {
        seen = watch.events();
        silent.clear();
        for (Peer p : peers()) {
          try {
            if (host.equals(await(p, start(p, VdpaRuntime::host), deadline))) {
              return p;
            }
          } catch (IllegalArgumentException e) {
            silent.add(e.getMessage());
          }
        }
        // not there or not answering: look again when discovery imports or withdraws a runtime
      } while (watch.awaitAfter(seen, deadline));
    }
    throw new IllegalArgumentException("no runtime named " + host + " answered within " + timeoutMs() + " ms"
        + (silent.isEmpty() ? "" : " (" + String.join("; ", silent) + ")"));
  }

  /**
   * The runtime of that host name: this one (its local facade) or an imported one.
   *
   * @throws IllegalArgumentException when remote management is off here or no runtime of that
   *     name answered within the timeout
   */
  Peer runtime(String host) throws InterruptedException {
    ServiceReference<VdpaRuntime> r = local();
    if (r == null) {
      throw new IllegalArgumentException("remote management is off in this runtime: set vdpa.remote.host and "
          + "vdpa.remote.peers (README \"Several runtimes\")");
    }
    if (host.equals(String.valueOf(r.getProperty(VdpaRuntime.PROP_HOST)))) {
      VdpaRuntime rt = held.get(r);
      if (rt == null) {
        throw new IllegalStateException("the local runtime facade went away");
      }
      return new Peer(host, rt);
    }
    return named(host);
  }

  @Override
  public void close() {
    held.close();
  }

  /**
   * The imported runtimes once there are {@code expected} of them, or what there is at the
   * deadline: woken by the registry's events, not by polling it.
   */
  private List<ServiceReference<VdpaRuntime>> awaitImported(int expected, long deadline) throws InterruptedException {
    try (ImportWatch watch = new ImportWatch()) {
      // listed after the listener is in place: an import in between still counts as an event
      long seen = watch.events();
      List<ServiceReference<VdpaRuntime>> imported = refs("(service.imported=*)");
      while (imported.size() < expected && System.nanoTime() < deadline) {
        watch.awaitAfter(seen, deadline);
        seen = watch.events();
        imported = refs("(service.imported=*)");
      }
      return imported;
    }
  }

  /**
   * Counts the registry's events on imported runtimes (imported, modified, withdrawn) while open, so
   * that a caller can wait for the next one after what it has seen: woken by the registry, never by
   * polling it, and no event between a look and the wait is lost.
   */
  private final class ImportWatch implements AutoCloseable {
    private final ServiceListener listener = event -> bump();
    private long events;
    private final boolean listening;

    ImportWatch() {
      boolean added;
      try {
        context.addServiceListener(listener, "(&(" + Constants.OBJECTCLASS + "=" + VdpaRuntime.class.getName()
            + ")(service.imported=*))");
        added = true;
      } catch (InvalidSyntaxException e) {
        throw new IllegalStateException("the imported-runtime filter is malformed", e);
      } catch (IllegalStateException stopped) {
        added = false; // the shell bundle is stopping: nothing will be imported for it
      }
      listening = added;
    }

    private synchronized void bump() {
      events++;
      notifyAll();
    }

    synchronized long events() {
      return events;
    }

    /**
     * Waits until an event after the {@code seen}-th, or the deadline.
     *
     * @return whether such an event came (false at the deadline, and at once when not listening)
     */
    synchronized boolean awaitAfter(long seen, long deadline) throws InterruptedException {
      long left;
      while (listening && events == seen && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return events != seen;
    }

    @Override
    public void close() {
      if (!listening) {
        return;
      }
      try {
        context.removeServiceListener(listener);
      } catch (IllegalStateException stopped) {
        // the shell bundle is stopping: its listeners go with it
      }
    }
  }

  private ServiceReference<VdpaRuntime> local() {
    List<ServiceReference<VdpaRuntime>> l = refs("(!(service.imported=*))");
    return l.isEmpty() ? null : l.get(0);
  }

  private List<ServiceReference<VdpaRuntime>> refs(String filter) {
    try {
      return new ArrayList<>(context.getServiceReferences(VdpaRuntime.class, filter));
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException("filter " + filter + " is malformed", e);
    } catch (IllegalStateException | NoClassDefFoundError stopped) {
      return List.of();
    }
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
