package net.vdpa.config;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventAdmin;

/**
 * {@link VdpaDeviceStore} over ConfigurationAdmin: each kept device is one factory configuration;
 * {@link KeptDevice} turns configurations into devices. Calls wait (bounded) until the bus shows
 * the result, so the shell can report it; they wait on the bus's events ({@link BusWait}), so the
 * store is offered only while Event Admin runs.
 *
 * <p>Nothing is kept that its management device refuses: {@code add} and {@code setMac} ask it to
 * {@link VdpaMgmtDevice#validate validate} first and fail at once with its reason; with the
 * management device absent they refuse (a configuration that cannot be checked is not kept).
 */
@Component(service = VdpaDeviceStore.class,
    reference = @Reference(name = "eventAdmin", service = EventAdmin.class)) // BusWait hears the bus through it
public final class DeviceStoreComponent implements VdpaDeviceStore {
  /** How long a call waits for the bus to show its effect. */
  static final long WAIT_MS = 15_000;

  private final BundleContext context;
  private final ConfigurationAdmin cm;
  private final VdpaBus bus;

  /** Creates the store. */
  @Activate
  public DeviceStoreComponent(BundleContext context, @Reference ConfigurationAdmin cm, @Reference VdpaBus bus) {
    this.context = context;
    this.cm = cm;
    this.bus = bus;
  }

  @Override
  public DeviceDTO add(String mgmtdev, DevConfig config) {
    return keep(mgmtdev, config, "to appear on the bus", d -> !d.state.inTransition());
  }

  @Override
  public DeviceDTO create(String mgmtdev, DevConfig config) {
    return keep(mgmtdev, config, "to be created", d -> true);
  }

  /** Keeps the device and waits until the bus shows it in a state that {@code arrived} accepts. */
  private DeviceDTO keep(String mgmtdev, DevConfig config, String what, Predicate<DeviceDTO> arrived) {
    String name = config.name();
    if (bus.device(name).isPresent()) {
      throw new IllegalArgumentException("device " + name + " already exists");
    }
    Optional<Configuration> ghost = find(name);
    if (ghost.isPresent()) {
      throw new IllegalArgumentException("device " + name + " is kept but not on the bus" + whyAbsent(ghost.get())
          + "; vdpa:dev del " + name + " forgets it");
    }
    validate(mgmtdev, config);
    try (BusWait wait = BusWait.open(context, name)) {
      try {
        Configuration c = cm.createFactoryConfiguration(FACTORY_PID, "?");
        c.update(new KeptConfig(mgmtdev, config, null).toProperties());
      } catch (IOException e) {
        throw new IllegalStateException("cannot keep device " + name + ": " + e.getMessage(), e);
      }
      try {
        wait.until("device " + name + " " + what + " (is management device " + mgmtdev + " running?)",
            () -> bus.device(name).map(arrived::test).orElse(false), WAIT_MS);
      } catch (IllegalStateException e) {
        find(name).ifPresent(DeviceStoreComponent::forget); // not kept: it never came
        throw e;
      }
    }
    return bus.device(name).orElseThrow(() -> new IllegalStateException("device " + name
        + " left the bus as soon as it came (see vdpa:monitor)"));
  }

  @Override
  public void delete(String name) {
    try (BusWait wait = BusWait.open(context, name)) {
      deleteNow(name);
      wait.until("device " + name + " to leave the bus", () -> bus.device(name).isEmpty(), WAIT_MS);
    }
  }

  private void deleteNow(String name) {
    Optional<Configuration> c = find(name);
    if (c.isPresent()) {
      try {
        c.get().delete();
      } catch (IOException e) {
        throw new IllegalStateException("cannot delete the configuration of device " + name + ": " + e.getMessage(), e);
      }
    } else {
      VdpaMgmtDevice m = owner(name);
      if (m == null) {
        throw new IllegalArgumentException("unknown device '" + name + "'");
      }
      m.devDel(name);
    }
  }

  @Override
  public void setMac(String name, MacAddress mac) {
    Configuration c = find(name).orElseThrow(() -> bus.device(name).isPresent()
        ? new IllegalArgumentException("device " + name + " was not created with dev add; its mac cannot be set")
        : new IllegalArgumentException("unknown device '" + name + "'"));
    KeptConfig kept = KeptConfig.from(toMap(c));
    KeptConfig next = kept.withMac(mac);
    validate(kept.mgmtdev(), next.config()); // before anything changes: a refusal leaves the device as it is
    long before = bus.device(name).map(d -> d.serviceId).orElse(-1L);
    try (BusWait wait = BusWait.open(context, name)) {
      update(c, next);
      // the device is created again: wait for the new one, matched
      wait.until("device " + name + " to come back with mac " + mac,
          () -> bus.device(name).map(d -> d.serviceId != before && !d.state.inTransition()).orElse(false), WAIT_MS);
    }
  }

  @Override
  public DeviceDTO setDriverOverride(String name, String driver) {
    DeviceDTO d = bus.setDriverOverride(name, driver);
    find(name).ifPresent(c -> update(c, KeptConfig.from(toMap(c)).withOverride(d.driverOverride)));
    return d;
  }

  private static void forget(Configuration c) {
    try {
      c.delete();
    } catch (IOException | IllegalStateException e) {
      // already gone, or the store is closing: either way it is not kept
    }
  }

  private static void update(Configuration c, KeptConfig kept) {
    try {
      c.update(kept.toProperties());
    } catch (IOException e) {
      throw new IllegalStateException("cannot update the configuration of device " + kept.config().name() + ": " + e.getMessage(), e);
    }
  }

  /** The factory configuration of a kept device. */
  private Optional<Configuration> find(String name) {
    try {
      Configuration[] all = cm.listConfigurations("(&(service.factoryPid=" + FACTORY_PID + ")(" + KeptConfig.NAME + "=" + name + "))");
      return all == null || all.length == 0 ? Optional.empty() : Optional.of(all[0]);
    } catch (IOException | InvalidSyntaxException e) {
      throw new IllegalArgumentException("device name '" + name + "' cannot be looked up: " + e.getMessage());
    }
  }

  /** Asks the management device to validate; refuses if it is not there to ask. */
  private void validate(String mgmtdev, DevConfig config) {
    if (!withMgmtdev(mgmtdev, m -> {
      m.validate(config);
      return true;
    }).orElse(false)) {
      throw new IllegalArgumentException("management device " + mgmtdev + " is not running: device "
          + config.name() + " cannot be checked, so it is not kept");
    }
  }

  /** Why a kept device is not on the bus, as far as its management device can say. */
  private String whyAbsent(Configuration c) {
    KeptConfig kept;
    try {
      kept = KeptConfig.from(toMap(c));
    } catch (IllegalArgumentException e) {
      return " (its configuration is unusable: " + e.getMessage() + ")";
    }
    return withMgmtdev(kept.mgmtdev(), m -> {
      try {
        m.validate(kept.config());
        return "";
      } catch (IllegalArgumentException e) {
        return " (management device " + kept.mgmtdev() + " refuses it: " + e.getMessage() + ")";
      }
    }).orElse(" (management device " + kept.mgmtdev() + " is not running)");
  }

  /** Applies {@code f} to the management device with that handle, if it is registered. */
  private <T> Optional<T> withMgmtdev(String handle, Function<VdpaMgmtDevice, T> f) {
    Collection<ServiceReference<VdpaMgmtDevice>> refs;
    try {
      refs = context.getServiceReferences(VdpaMgmtDevice.class, "(" + VdpaMgmtDevice.PROP_HANDLE + "=" + handle + ")");
    } catch (InvalidSyntaxException e) {
      throw new IllegalArgumentException("management device handle '" + handle + "' is not valid");
    }
    for (ServiceReference<VdpaMgmtDevice> r : refs) {
      VdpaMgmtDevice m = context.getService(r);
      if (m != null) {
        try {
          return Optional.of(f.apply(m));
        } finally {
          context.ungetService(r);
        }
      }
    }
    return Optional.empty();
  }

  private VdpaMgmtDevice owner(String name) {
    try {
      for (ServiceReference<VdpaMgmtDevice> r : context.getServiceReferences(VdpaMgmtDevice.class, null)) {
        VdpaMgmtDevice m = context.getService(r);
        try {
          if (m != null && m.devices().contains(name)) {
            return m;
          }
        } finally {
          context.ungetService(r);
        }
      }
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
    return null;
  }

  private static Map<String, Object> toMap(Configuration c) {
    Map<String, Object> m = new HashMap<>();
    var props = c.getProperties();
    for (var keys = props.keys(); keys.hasMoreElements(); ) {
      String k = keys.nextElement();
      m.put(k, props.get(k));
    }
    return m;
  }
}
