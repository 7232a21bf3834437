package net.vdpa.remote;

import java.util.function.Function;
import java.util.function.Predicate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Short uses of the local services a remote call needs (devices, management devices, port
 * controls): each is got, used and released within one call, so a remote caller never pins a
 * bundle.
 */
final class LocalServices {
  private final BundleContext context;

  LocalServices(BundleContext context) {
    this.context = context;
  }

  /**
   * Applies {@code use} to the first service of the type that passes {@code which}.
   *
   * @return what {@code use} returned, or {@code null} when no service passed
   */
  <S, R> R first(Class<S> type, String filter, Predicate<S> which, Function<S, R> use) {
    try {
      for (ServiceReference<S> ref : context.getServiceReferences(type, filter)) {
        S s = context.getService(ref);
        if (s == null) {
          continue;
        }
        try {
          if (which.test(s)) {
            return use.apply(s);
          }
        } finally {
          context.ungetService(ref);
        }
      }
      return null;
    } catch (InvalidSyntaxException e) {
      throw new IllegalArgumentException("name in filter " + filter + " is not valid");
    }
  }
}
