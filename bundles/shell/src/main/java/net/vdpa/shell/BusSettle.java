package net.vdpa.shell;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The bus's devices once none is new, being probed or removed, and no returning driver is still
 * being weighed against where its devices went meanwhile, waiting a little for it: a {@code vdpa:bus
 * show} typed right after {@code start ID} then shows where devices end up, not that they are on
 * their way. Each piece of bus work on a device ends with an event ({@code BOUND}, {@code
 * UNBOUND}, {@code MOVED}, {@code STAYS}, {@code SETTLED}, {@code REMOVED}); the wait listens
 * before it looks, so no event can slip between a look and the wait. A device still in flight
 * after the limit is shown as it is. Commands that need a driver's service wait the same way
 * ({@link #beforeClassServices}), since {@code dev add} does not wait for the driver.
 */
final class BusSettle {
  /** The longest a listing waits for devices in flight. */
  static final long LIMIT_MILLIS = 3_000;
  /** The longest a command waits for the bus to bind devices in flight before it looks for class services. */
  static final long BIND_LIMIT_MILLIS = 15_000;

  private BusSettle() {}

  /**
   * Whether the bus is still working on a device: matching it for the first time, probing or
   * removing it, or deciding whether it goes back to the driver it left, which is on the bus again
   * (then it either moves, or is marked as staying, or forgets that driver).
   */
  static boolean inFlight(DeviceDTO d, Set<String> drivers) {
    return d.state.inTransition()
        || (d.state == DeviceDTO.State.BOUND && d.displacedFrom != null && d.stay == null
            && drivers.contains(d.displacedFrom));
  }

  private static boolean anyInFlight(List<DeviceDTO> devices, VdpaBus bus) {
    Set<String> drivers = bus.drivers().stream().map(d -> d.name).collect(Collectors.toSet());
    return devices.stream().anyMatch(d -> inFlight(d, drivers));
  }

  /** The devices once settled, waiting at most {@link #LIMIT_MILLIS}. */
  static List<DeviceDTO> devices(BundleContext context, VdpaBus bus) throws InterruptedException {
    return devices(context, bus, LIMIT_MILLIS);
  }

  /**
   * Waits until the bus has finished with every device in flight, so that the class service
   * (interface, block device, vhost socket, passthrough handle) of a device {@code vdpa dev add} has
   * just created is there when a command looks for it: {@code dev add} returns once the device
   * exists, as Linux's does, and the command that needs the bound driver waits here instead, at
   * most {@link #BIND_LIMIT_MILLIS}. Returns at once when nothing is in flight or there is no bus.
   *
   * @return {@code ""} when the bus has settled, else a note for the caller's error message naming
   *     the devices still in flight, e.g. {@code " (device foo is still PROBING after 15 s)"}
   */
  static String beforeClassServices(BundleContext context) {
    return beforeClassServices(context, BIND_LIMIT_MILLIS);
  }

  /** {@link #beforeClassServices(BundleContext)} with another limit. */
  static String beforeClassServices(BundleContext context, long limitMillis) {
    ServiceReference<VdpaBus> ref = context.getServiceReference(VdpaBus.class);
    VdpaBus bus = ref == null ? null : context.getService(ref);
    if (bus == null) {
      return "";
    }
    try {
      Set<String> drivers = bus.drivers().stream().map(d -> d.name).collect(Collectors.toSet());
      List<String> left = devices(context, bus, limitMillis).stream().filter(d -> inFlight(d, drivers))
          .map(d -> d.name + " is still " + d.state).toList();
      return left.isEmpty() ? "" : " (device " + String.join(", device ", left) + " after " + limitMillis + " ms)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return " (interrupted while waiting for the bus to bind devices)";
    } finally {
      context.ungetService(ref);
    }
  }

  private static List<DeviceDTO> devices(BundleContext context, VdpaBus bus, long limitMillis) throws InterruptedException {
    List<DeviceDTO> devices = bus.devices();
    if (!anyInFlight(devices, bus)) {
      return devices;
    }
    long[] events = new long[1]; // guarded by itself
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(EventConstants.EVENT_TOPIC, VdpaEvents.TOPIC_ALL);
    ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class, e -> {
      synchronized (events) {
        events[0]++;
        events.notifyAll();
      }
    }, p);
    try {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMillis);
      while (true) {
        long seen;
        synchronized (events) {
          seen = events[0];
        }
        // looked at after the handler is registered and the count read: any later change is an event
        devices = bus.devices();
        if (!anyInFlight(devices, bus)) {
          return devices;
        }
        synchronized (events) {
          while (events[0] == seen) {
            long left = end - System.nanoTime();
            if (left <= 0) {
              return devices;
            }
            TimeUnit.NANOSECONDS.timedWait(events, left);
          }
        }
      }
    } finally {
      reg.unregister();
    }
  }
}
