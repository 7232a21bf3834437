package net.vdpa.shell;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.net.NetInterface;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * Watches what a traffic job depends on, so that a job cut short can say why in one line: the
 * interfaces it sends from and to, their devices, and the driver bundle that published them. It
 * records service departures as they happen (a driver stopping, a device deleted, an interface
 * removed by an unbind); the job asks {@link #reason} once its sender reports down.
 *
 * <p>Thread-safe: events arrive on framework threads, the job reads from its own.
 */
final class TrafficWatch implements ServiceListener, AutoCloseable {
  /** How long the job waits, once down, for the event that says why (it races the remove). */
  static final long SETTLE_MS = 500;

  /** Why an interface went, most specific first: a larger rank replaces a smaller one. */
  private enum Cause {
    NONE, INTERFACE_REMOVED, DEVICE_DELETED, DRIVER_STOPPED
  }

  private final BundleContext context;
  private final long driverBundle;
  private final CountDownLatch specific = new CountDownLatch(1);
  /** Guarded by this. */
  private Cause cause = Cause.NONE;
  /** Guarded by this. */
  private String text;

  /**
   * Starts watching.
   *
   * @param context the shell bundle's context
   * @param from the sending interface
   * @param to the receiving interface
   */
  TrafficWatch(BundleContext context, NetInterface from, NetInterface to) {
    this.context = context;
    ServiceReference<?> ref = reference(context, from.name());
    this.driverBundle = ref == null ? -1 : ref.getBundle().getBundleId();
    String filter = "(|(&(" + Constants.OBJECTCLASS + "=" + NetInterface.class.getName() + ")(|("
        + NetInterface.PROP_NAME + "=" + from.name() + ")(" + NetInterface.PROP_NAME + "=" + to.name() + ")))"
        + "(&(" + Constants.OBJECTCLASS + "=" + VdpaDevice.class.getName() + ")(|(" + VdpaDevice.PROP_NAME + "="
        + from.device() + ")(" + VdpaDevice.PROP_NAME + "=" + to.device() + ")))"
        + "(" + Constants.OBJECTCLASS + "=" + VdpaDriver.class.getName() + "))";
    try {
      context.addServiceListener(this, filter);
    } catch (InvalidSyntaxException e) {
      throw new IllegalArgumentException("interface names " + from.name() + ", " + to.name()
          + " do not make a service filter: " + e.getMessage());
    }
  }

  private static ServiceReference<?> reference(BundleContext context, String name) {
    try {
      ServiceReference<?>[] refs = context.getServiceReferences(NetInterface.class.getName(),
          "(" + NetInterface.PROP_NAME + "=" + name + ")");
      return refs == null ? null : refs[0];
    } catch (InvalidSyntaxException e) {
      return null;
    }
  }

  @Override
  public void serviceChanged(ServiceEvent event) {
    if (event.getType() != ServiceEvent.UNREGISTERING) {
      return;
    }
    ServiceReference<?> r = event.getServiceReference();
    String[] classes = (String[]) r.getProperty(Constants.OBJECTCLASS);
    for (String c : classes) {
      if (c.equals(NetInterface.class.getName())) {
        record(Cause.INTERFACE_REMOVED, "interface " + r.getProperty(NetInterface.PROP_NAME) + " was removed (device "
            + r.getProperty(NetInterface.PROP_DEVICE) + " unbound from its driver)");
      } else if (c.equals(VdpaDevice.class.getName())) {
        record(Cause.DEVICE_DELETED, "device " + r.getProperty(VdpaDevice.PROP_NAME) + " was deleted");
      } else if (c.equals(VdpaDriver.class.getName()) && r.getBundle() != null
          && r.getBundle().getBundleId() == driverBundle) {
        record(Cause.DRIVER_STOPPED, "driver " + driverName(r) + " stopped");
      }
    }
  }

  private String driverName(ServiceReference<?> r) {
    Object d = context.getService(r);
    try {
      return d instanceof VdpaDriver v ? v.name() : "of bundle " + driverBundle;
    } finally {
      if (d != null) {
        context.ungetService(r);
      }
    }
  }

  private synchronized void record(Cause c, String why) {
    if (c.compareTo(cause) > 0) {
      cause = c;
      text = why;
    }
    if (c != Cause.INTERFACE_REMOVED) {
      specific.countDown();
    }
  }

  /**
   * Whether an interface of the job has gone.
   *
   * @return true once an interface, its device or its driver has left
   */
  synchronized boolean gone() {
    return cause != Cause.NONE;
  }

  /**
   * Why the job's sender went down. Waits up to {@link #SETTLE_MS} for a driver or device
   * departure, which the framework may announce just after the interface has gone.
   *
   * @param from the sending interface
   * @return one phrase, e.g. {@code driver virtio_net stopped}
   * @throws InterruptedException if interrupted while waiting
   */
  String reason(NetInterface from) throws InterruptedException {
    synchronized (this) {
      if (cause == Cause.NONE && !from.linkUp()) {
        return "link of " + from.name() + " is down";
      }
    }
    specific.await(SETTLE_MS, TimeUnit.MILLISECONDS);
    synchronized (this) {
      return cause == Cause.NONE ? from.name() + " went down" : text;
    }
  }

  @Override
  public void close() {
    context.removeServiceListener(this);
  }
}
