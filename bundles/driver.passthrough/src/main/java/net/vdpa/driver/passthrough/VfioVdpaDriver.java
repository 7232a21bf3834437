package net.vdpa.driver.passthrough;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.passthrough.HandleInfo;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuFault;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.PassthroughDevice;
import net.vdpa.api.passthrough.Vfio;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code vfio_vdpa} driver: takes any device by override or {@code bind} (it never wins
 * autoprobe), puts it in its IOMMU group and publishes it as a {@link PassthroughDevice}; the
 * {@link Vfio} service opens containers and devices. Remove unpublishes, asks the owner of an open
 * handle to release it, revokes after the grace period and returns: the bus then resets the device
 * and matches it again. While a group is attached to a container, the driver {@link #refuses} its
 * other members to every other driver (VFIO's DMA ownership), and asks the bus to match them again
 * once the group leaves the container.
 */
@Component(service = {VdpaDriver.class, Vfio.class}, configurationPid = "net.vdpa.driver.passthrough", immediate = true)
@Designate(ocd = DriverConfig.class)
public final class VfioVdpaDriver implements VdpaDriver, Vfio {
  /** The driver's name on the bus. */
  public static final String NAME = "vfio_vdpa";

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;
  private final EventLog log = EventLog.of(() -> logger);

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile EventAdmin events;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile VdpaBus bus;

  private final BundleContext context;
  private final VfioCore core;
  private final Map<VdpaDevice, ServiceRegistration<PassthroughDevice>> published = new ConcurrentHashMap<>();

  /**
   * Creates the driver.
   *
   * @param context where device services are registered
   * @param config the configuration
   */
  @Activate
  public VfioVdpaDriver(BundleContext context, DriverConfig config) {
    this.context = context;
    this.core = new VfioCore(new VfioCore.Settings(config.grace_ms(), config.dma_entry_limit(), config.iommu_groups()),
        new BusTopology(), new CoreSink(), Clock.systemUTC());
  }

  /** Takes back every device the bus has not removed yet and revokes the containers. */
  @Deactivate
  void deactivate() {
    for (VdpaDevice d : new ArrayList<>(published.keySet())) {
      remove(d);
    }
    core.close();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int match(VdpaDevice device) {
    return MATCH_ON_REQUEST;
  }

  @Override
  public void probe(VdpaDevice device) {
    IommuGroup g = core.bind(device);
    Dictionary<String, Object> props = new Hashtable<>();
    props.put(PassthroughDevice.PROP_DEVICE, device.name());
    props.put(PassthroughDevice.PROP_GROUP, g.id());
    String name = device.name();
    PassthroughDevice service = new PassthroughDevice() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public IommuGroup group() {
        return g;
      }
    };
    try {
      published.put(device, context.registerService(PassthroughDevice.class, service, props));
    } catch (RuntimeException e) {
      core.unbind(device, "registration failed");
      throw e;
    }
    info("device " + name + " bound to " + NAME + ", iommu group " + g.id());
  }

  @Override
  public Optional<String> busy(VdpaDevice device) {
    return core.owner(device.name()).map(o -> "held by " + o);
  }

  @Override
  public Optional<String> refuses(VdpaDevice device, String driver) {
    return core.refuses(device.name(), driver);
  }

  @Override
  public void remove(VdpaDevice device) {
    ServiceRegistration<PassthroughDevice> reg = published.remove(device);
    if (reg == null) {
      return;
    }
    try {
      reg.unregister();
    } catch (IllegalStateException alreadyGone) {
      // the framework took it away with the bundle
    }
    core.unbind(device, "device " + device.name() + " removed from " + NAME);
    info("device " + device.name() + " unbound from " + NAME);
  }

  // ---------------------------------------------------------------- Vfio

  @Override
  public IommuContainer openContainer(String owner) {
    return core.openContainer(owner);
  }

  @Override
  public List<IommuGroup> groups() {
    return core.groups();
  }

  @Override
  public Optional<IommuGroup> group(int id) {
    return core.group(id);
  }

  @Override
  public Optional<IommuGroup> groupOf(String device) {
    return core.groupOf(device);
  }

  @Override
  public List<HandleInfo> handles() {
    return core.handles();
  }

  @Override
  public List<IommuContainer> containers() {
    return core.containers();
  }

  @Override
  public List<IommuFault> faults() {
    return core.faults();
  }

  private void info(String line) {
    log.info(line);
  }

  /** The bus as the groups see it: who holds the other members, and matching them again once a group is free. */
  private final class BusTopology implements Group.Topology {
    @Override
    public Optional<String> driverOf(String device) {
      VdpaBus b = bus;
      if (b == null) {
        return Optional.empty();
      }
      return b.device(device).map((DeviceDTO d) -> d.driver);
    }

    @Override
    public void released(List<String> members) {
      VdpaBus b = bus;
      if (b == null) {
        return;
      }
      for (String m : members) {
        try {
          b.rematch(m); // only queues the matching: safe under the core's lock and on a bus thread
        } catch (IllegalArgumentException notOnTheBus) {
          // a configured member that does not exist (yet)
        }
      }
    }
  }

  /** Posts events and log lines for the core. */
  private final class CoreSink implements VfioCore.Sink {
    @Override
    public void revoked(String device, String owner, String why) {
      info("handle of device " + device + " held by " + owner + " revoked after the grace period: " + why);
      post(Vfio.TOPIC_REVOKED, Map.of(Vfio.DEVICE, device, Vfio.OWNER, owner, Vfio.REASON, why));
    }

    @Override
    public void fault(IommuFault f) {
      log.warn("iommu fault: device " + f.device() + " " + f.access().name().toLowerCase() + " at 0x"
          + Long.toHexString(f.iova()) + ": " + f.reason());
      post(Vfio.TOPIC_FAULT, Map.of(Vfio.DEVICE, f.device(), Vfio.IOVA, f.iova(), Vfio.ACCESS, f.access().name(),
          Vfio.REASON, f.reason()));
    }

    @Override
    public void info(String line) {
      VfioVdpaDriver.this.info(line);
    }

    private void post(String topic, Map<String, Object> props) {
      EventAdmin ea = events;
      if (ea != null) {
        ea.postEvent(new Event(topic, props));
      }
    }
  }
}
