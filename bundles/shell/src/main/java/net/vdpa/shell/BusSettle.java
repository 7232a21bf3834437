package net.vdpa.shell;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
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
 * The bus's devices once no probe or removal is under way and no returning driver is still being
 * weighed against where its devices went meanwhile, waiting a little for it: a {@code vdpa:bus show}
 * typed right after {@code start ID} then shows where devices end up, not that they are on their
 * way. Every bus event wakes the check; a device still in flight after the limit is shown as it is.
 */
final class BusSettle {
  /** The longest a listing waits for devices in flight. */
  static final long LIMIT_MILLIS = 3_000;

  private BusSettle() {}

  /**
   * Whether the bus is still working on a device: probing or removing it, or deciding whether it
   * goes back to the driver it left, which is on the bus again (then it either moves, or is marked
   * as staying, or forgets that driver).
   */
  static boolean inFlight(DeviceDTO d, Set<String> drivers) {
    return DeviceDTO.PROBING.equals(d.state) || DeviceDTO.REMOVING.equals(d.state)
        || (DeviceDTO.BOUND.equals(d.state) && d.displacedFrom != null && d.stay == null
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
    Semaphore changed = new Semaphore(0);
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(EventConstants.EVENT_TOPIC, VdpaEvents.TOPIC_ALL);
    ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class, e -> changed.release(), p);
    try {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS);
      while (true) {
        devices = bus.devices();
        long left = end - System.nanoTime();
        if (left <= 0 || !anyInFlight(devices, bus)) {
          return devices;
        }
        // an event may have gone out before the handler was registered: look again at least every 50 ms
        changed.tryAcquire(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
      }
    } finally {
      reg.unregister();
    }
  }
}
