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
 * after the limit is shown as it is.
 */
final class BusSettle {
  /** The longest a listing waits for devices in flight. */
  static final long LIMIT_MILLIS = 3_000;

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

  static List<DeviceDTO> devices(BundleContext context, VdpaBus bus) throws InterruptedException {
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
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS);
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
