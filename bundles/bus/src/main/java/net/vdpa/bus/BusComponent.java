package net.vdpa.bus;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DriverDTO;
import net.vdpa.api.dto.MgmtDevDTO;
import net.vdpa.api.log.EventLog;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * The vDPA bus as a component: tracks device, driver and management device services and hands
 * them to {@link BusCore}, which decides. Posts its events on Event Admin and logs through the
 * OSGi Log Service, both when present.
 *
 * <p>Devices and drivers are tracked with service trackers rather than DS references: the bus must
 * see each service individually, in the order the registry reports them, and must be able to hold
 * a departing device until its driver has let go of it.
 */
@Component(service = VdpaBus.class, immediate = true, configurationPid = "net.vdpa.bus")
@Designate(ocd = BusConfig.class)
public final class BusComponent implements VdpaBus {

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile EventAdmin eventAdmin;

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;
  private final EventLog log = EventLog.of(() -> logger);

  private final BusCore core;
  private final ServiceTracker<VdpaDevice, DeviceEntry> deviceTracker;
  private final ServiceTracker<VdpaDriver, DriverEntry> driverTracker;
  private final ServiceTracker<VdpaMgmtDevice, VdpaMgmtDevice> mgmtTracker;

  /** Starts the bus and begins tracking services. */
  @Activate
  public BusComponent(BundleContext context, BusConfig config) {
    this.core = new BusCore(settings(config), new Sink());
    this.mgmtTracker = new ServiceTracker<>(context, VdpaMgmtDevice.class, new MgmtCustomizer(context));
    this.driverTracker = new ServiceTracker<>(context, VdpaDriver.class, new DriverCustomizer(context));
    this.deviceTracker = new ServiceTracker<>(context, VdpaDevice.class, new DeviceCustomizer(context));
    mgmtTracker.open();
    driverTracker.open();
    deviceTracker.open();
  }

  /** Applies changed timeouts and autoprobe without restarting the bus. */
  @Modified
  void modified(BusConfig config) {
    core.update(settings(config));
  }

  /** Releases every device from its driver and stops tracking. */
  @Deactivate
  void deactivate() {
    core.close();
    deviceTracker.close();
    driverTracker.close();
    mgmtTracker.close();
  }

  private static BusCore.Settings settings(BusConfig c) {
    int threads = c.threads() > 0 ? c.threads() : Math.max(2, Runtime.getRuntime().availableProcessors());
    return new BusCore.Settings(c.probe_timeout_ms(), c.remove_timeout_ms(), c.autoprobe(), threads);
  }

  private static long id(ServiceReference<?> ref) {
    return (Long) ref.getProperty(Constants.SERVICE_ID);
  }

  private static int ranking(ServiceReference<?> ref) {
    Object r = ref.getProperty(Constants.SERVICE_RANKING);
    return r instanceof Integer i ? i : 0;
  }

  private static long bundleId(ServiceReference<?> ref) {
    return ref.getBundle() == null ? -1 : ref.getBundle().getBundleId();
  }

  // ---------------------------------------------------------------- VdpaBus, delegated

  @Override
  public BusDTO state() {
    return core.state();
  }

  @Override
  public List<DeviceDTO> devices() {
    return core.devices();
  }

  @Override
  public Optional<DeviceDTO> device(String name) {
    return core.device(name);
  }

  @Override
  public List<DriverDTO> drivers() {
    return core.drivers();
  }

  @Override
  public List<MgmtDevDTO> mgmtDevices() {
    return core.mgmtDevices();
  }

  @Override
  public DeviceDTO bind(String device, String driver) {
    return core.bind(device, driver);
  }

  @Override
  public DeviceDTO unbind(String device) {
    return core.unbind(device);
  }

  @Override
  public DeviceDTO probe(String device) {
    return core.probe(device);
  }

  @Override
  public void rematch(String device) {
    core.rematch(device);
  }

  @Override
  public DeviceDTO setDriverOverride(String device, String driver) {
    return core.setDriverOverride(device, driver);
  }

  @Override
  public void presetDriverOverride(String device, String driver) {
    core.presetDriverOverride(device, driver);
  }

  @Override
  public void setAutoprobe(boolean on) {
    core.setAutoprobe(on);
  }

  @Override
  public boolean isAutoprobe() {
    return core.isAutoprobe();
  }

  @Override
  public DeviceDTO setAutoprobe(String device, boolean on) {
    return core.setAutoprobe(device, on);
  }

  // ---------------------------------------------------------------- trackers

  private final class DeviceCustomizer implements ServiceTrackerCustomizer<VdpaDevice, DeviceEntry> {
    private final BundleContext context;

    DeviceCustomizer(BundleContext context) {
      this.context = context;
    }

    @Override
    public DeviceEntry addingService(ServiceReference<VdpaDevice> ref) {
      Object mgmt = ref.getProperty(VdpaDevice.PROP_MGMTDEV);
      String mgmtdev = mgmt == null ? null : mgmt.toString();
      Object name = ref.getProperty(VdpaDevice.PROP_NAME);
      if (name instanceof String n && !n.isEmpty()) {
        // the device object is fetched later, on the device's lane
        return core.deviceAdded(n, () -> context.getService(ref), id(ref), bundleId(ref), mgmtdev);
      }
      VdpaDevice device = context.getService(ref);
      if (device == null) {
        return null;
      }
      DeviceEntry e = core.deviceAdded(device, id(ref), bundleId(ref), mgmtdev);
      if (e == null) {
        context.ungetService(ref);
      }
      return e;
    }

    @Override
    public void modifiedService(ServiceReference<VdpaDevice> ref, DeviceEntry e) {}

    @Override
    public void removedService(ServiceReference<VdpaDevice> ref, DeviceEntry e) {
      core.deviceRemoved(e);
      context.ungetService(ref);
    }
  }

  private final class DriverCustomizer implements ServiceTrackerCustomizer<VdpaDriver, DriverEntry> {
    private final BundleContext context;

    DriverCustomizer(BundleContext context) {
      this.context = context;
    }

    @Override
    public DriverEntry addingService(ServiceReference<VdpaDriver> ref) {
      VdpaDriver driver = context.getService(ref);
      if (driver == null) {
        return null;
      }
      DriverEntry d = core.driverAdded(driver, ranking(ref), id(ref), bundleId(ref));
      if (d == null) {
        context.ungetService(ref);
      }
      return d;
    }

    @Override
    public void modifiedService(ServiceReference<VdpaDriver> ref, DriverEntry d) {
      core.driverModified(d, ranking(ref));
    }

    @Override
    public void removedService(ServiceReference<VdpaDriver> ref, DriverEntry d) {
      core.driverRemoved(d);
      context.ungetService(ref);
    }
  }

  private final class MgmtCustomizer implements ServiceTrackerCustomizer<VdpaMgmtDevice, VdpaMgmtDevice> {
    private final BundleContext context;

    MgmtCustomizer(BundleContext context) {
      this.context = context;
    }

    @Override
    public VdpaMgmtDevice addingService(ServiceReference<VdpaMgmtDevice> ref) {
      VdpaMgmtDevice m = context.getService(ref);
      if (m != null) {
        core.mgmtdevAdded(id(ref), m);
      }
      return m;
    }

    @Override
    public void modifiedService(ServiceReference<VdpaMgmtDevice> ref, VdpaMgmtDevice m) {}

    @Override
    public void removedService(ServiceReference<VdpaMgmtDevice> ref, VdpaMgmtDevice m) {
      core.mgmtdevRemoved(id(ref));
      context.ungetService(ref);
    }
  }

  /** Sends the core's reports to Event Admin and the Log Service, whichever are present. */
  private final class Sink implements BusSink {
    @Override
    public void post(String topic, Map<String, Object> properties) {
      EventAdmin ea = eventAdmin;
      if (ea != null) {
        try {
          ea.postEvent(new Event(topic, properties));
        } catch (RuntimeException e) {
          // Event Admin going away under us must not cut the bus's work on a device short
          warn("event " + topic + " for " + properties.get(VdpaEvents.DEVICE) + " not posted: " + DriverCalls.describe(e));
        }
      }
    }

    @Override
    public void info(String message) {
      log.info(message);
    }

    @Override
    public void debug(String message) {
      log.debug(message);
    }

    @Override
    public void warn(String message) {
      log.warn(message);
    }
  }
}
