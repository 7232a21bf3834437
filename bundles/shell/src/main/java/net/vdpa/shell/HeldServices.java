package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The services one command uses, got when it needs them and released when it ends (close it with
 * try-with-resources): no object is used after its {@code ungetService}, and none stays got after
 * the command. Not thread-safe: one command, one thread.
 */
final class HeldServices implements AutoCloseable {
  private final BundleContext context;
  private final List<ServiceReference<?>> held = new ArrayList<>();
  /** What {@link #settledBus} found, once it has waited; null before. */
  private String unsettled;

  HeldServices(BundleContext context) {
    this.context = context;
  }

  /**
   * Every service of the type that matches the filter and can still be got, in the registry's
   * order; each is held until {@link #close}.
   *
   * @param filter an LDAP filter, or null for all
   * @throws IllegalArgumentException if the filter is not valid, naming it
   */
  <T> List<T> all(Class<T> type, String filter) {
    List<T> out = new ArrayList<>();
    try {
      for (ServiceReference<T> r : context.getServiceReferences(type, filter)) {
        T s = context.getService(r);
        if (s != null) {
          held.add(r);
          out.add(s);
        }
      }
    } catch (InvalidSyntaxException e) {
      throw new IllegalArgumentException("'" + filter + "' is not a valid service filter: " + e.getMessage());
    }
    return out;
  }

  /**
   * Waits, once per command, for the bus to bind the devices it is still working on (see {@link
   * BusSettle#beforeClassServices}); call it before looking for class services.
   *
   * @return {@code ""}, or a note naming the devices still in flight, to add to a "not found" error
   */
  String settledBus() {
    if (unsettled == null) {
      unsettled = BusSettle.beforeClassServices(context);
    }
    return unsettled;
  }

  /**
   * Gets the service of a reference and holds it until {@link #close}.
   *
   * @return the service, or null if it went away meanwhile (nothing is held then)
   */
  <T> T get(ServiceReference<T> r) {
    T s = context.getService(r);
    if (s != null) {
      held.add(r);
    }
    return s;
  }

  /** Releases every service got through this object. */
  @Override
  public void close() {
    for (ServiceReference<?> r : held) {
      try {
        context.ungetService(r);
      } catch (IllegalStateException stopped) {
        // the shell bundle is stopping: the framework releases its services itself
      }
    }
    held.clear();
  }
}
