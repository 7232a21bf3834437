package net.vdpa.console;

import java.util.Optional;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Whether the runtime is ready for a script, as the {@code vdpa} Felix Health Check judges it (bundle
 * {@code net.vdpa.health}: the one readiness logic, also shown in the Web Console's Health Checks
 * tab): ready once the check is registered and none of its entries is TEMPORARILY_UNAVAILABLE, that
 * is, no bundle to be started is inactive, no project component is still coming up, every kept
 * device whose management device is present is on the bus, and no device is being matched, probed
 * or removed. What is left then (a CRITICAL or WARN entry: a device needing a reset, a kept device
 * left unbound) does not change by waiting, so the script runs.
 *
 * <p>{@link #check()} returns what is not ready yet, in one line, or empty when all is.
 */
final class Readiness implements AutoCloseable {
  static final String FILTER = "(&(objectClass=" + HealthCheck.class.getName() + ")(" + HealthCheck.NAME + "=vdpa))";

  private final ServiceTracker<HealthCheck, HealthCheck> check;

  Readiness(BundleContext context) {
    try {
      this.check = new ServiceTracker<>(context, FrameworkUtil.createFilter(FILTER), null);
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e); // a constant filter
    }
    check.open();
  }

  @Override
  public void close() {
    check.close();
  }

  /** What is not ready yet, or empty if the runtime is ready. */
  Optional<String> check() {
    HealthCheck hc = check.getService();
    if (hc == null) {
      return Optional.of("the vdpa health check is not running (bundle net.vdpa.health)");
    }
    return settling(hc.execute());
  }

  /** The first entry of a result that is still coming up (TEMPORARILY_UNAVAILABLE), or empty. */
  static Optional<String> settling(Result r) {
    for (ResultLog.Entry e : r) {
      if (e.getStatus() == Result.Status.TEMPORARILY_UNAVAILABLE) {
        return Optional.of(e.getMessage());
      }
    }
    return Optional.empty();
  }
}
