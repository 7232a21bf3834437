package net.vdpa.device.smartnic;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.devlink.Devlink;
import net.vdpa.api.devlink.DevlinkDev;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.port.PortControl;
import net.vdpa.device.core.MgmtDeviceComponent;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationException;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The SmartNIC adapters as a component: one adapter per factory configuration of
 * {@code net.vdpa.smartnic.adapter} (ConfigAdmin hands them over as a {@link ManagedServiceFactory}),
 * each function's management device registered as a {@link VdpaMgmtDevice} service, and
 * {@link Devlink} over them all. Deactivating it (stopping the bundle) deletes every function's
 * device through the bus; what devlink changed stays kept for next time.
 *
 * <p>A fresh runtime gets one adapter: the framework property {@code vdpa.default.smartnic} names
 * its PCI address, and its configuration is written once, the first time (marker PID
 * {@code net.vdpa.smartnic.defaults}); deleting it later sticks.
 */
@Component(service = {ManagedServiceFactory.class, Devlink.class}, immediate = true,
    property = Constants.SERVICE_PID + "=" + AdapterConfig.FACTORY_PID)
public final class SmartNicComponent implements ManagedServiceFactory, Devlink {
  /** Framework property naming the default adapter's PCI address. */
  static final String DEFAULT_PROPERTY = "vdpa.default.smartnic";
  static final String MARKER_PID = "net.vdpa.smartnic.defaults";

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;

  private final Adapters adapters;
  private final EventLog log;
  /** The uplinks as ports; withdrawn before the adapters go. */
  private final ServiceRegistration<PortControl> uplinkPorts;

  /**
   * Starts with no adapters; ConfigAdmin hands over their configurations; seeds the default one.
   *
   * @param context the bundle's context, which services are registered with
   * @param cm ConfigAdmin
   * @throws IOException if the default adapter's configuration cannot be written
   */
  @Activate
  public SmartNicComponent(BundleContext context, @Reference ConfigurationAdmin cm) throws IOException {
    this.log = EventLog.of(() -> logger);
    this.adapters = new Adapters(new Registrar() {
      @Override
      public Runnable register(VdpaMgmtDevice m) {
        return SmartNicComponent.register(context, m);
      }

      @Override
      public Runnable registerInterface(NetInterface rep) {
        return SmartNicComponent.register(context, rep);
      }
    }, MgmtDeviceComponent.registering(context),
        new CmStateStore(cm, log), log);
    this.uplinkPorts = context.registerService(PortControl.class, new UplinkBoard(adapters), null);
    seed(context, cm);
    // the adapters configured now exist before the component is active (ConfigAdmin hands them
    // over later, on its own thread; the same configuration again changes nothing): a script or
    // a kept device waiting for the runtime to be ready then finds their management devices
    Configuration[] now;
    try {
      now = cm.listConfigurations("(service.factoryPid=" + AdapterConfig.FACTORY_PID + ")");
    } catch (org.osgi.framework.InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
    for (Configuration c : now == null ? new Configuration[0] : now) {
      try {
        adapters.update(c.getPid(), AdapterConfig.from(c.getProperties()));
      } catch (IllegalArgumentException e) {
        log.warn("adapter configuration " + c.getPid() + " ignored: " + e.getMessage());
      }
    }
  }

  private static Runnable register(BundleContext context, VdpaMgmtDevice m) {
    Hashtable<String, Object> p = new Hashtable<>();
    p.put(VdpaMgmtDevice.PROP_HANDLE, m.handle());
    ServiceRegistration<VdpaMgmtDevice> r = context.registerService(VdpaMgmtDevice.class, m, p);
    return () -> {
      try {
        r.unregister();
      } catch (IllegalStateException alreadyGone) {
        // the framework unregistered it while the bundle stopped
      }
    };
  }

  /** Registers a representor as a network interface, with the properties every interface has. */
  private static Runnable register(BundleContext context, NetInterface rep) {
    Hashtable<String, Object> p = new Hashtable<>();
    p.put(NetInterface.PROP_NAME, rep.name());
    p.put(NetInterface.PROP_MAC, rep.mac().toString());
    p.put(NetInterface.PROP_DEVICE, rep.device());
    ServiceRegistration<NetInterface> r = context.registerService(NetInterface.class, rep, p);
    return () -> {
      try {
        r.unregister();
      } catch (IllegalStateException alreadyGone) {
        // the framework unregistered it while the bundle stopped
      }
    };
  }

  private static void seed(BundleContext context, ConfigurationAdmin cm) throws IOException {
    String pci = context.getProperty(DEFAULT_PROPERTY);
    if (pci == null || pci.isBlank()) {
      return;
    }
    Configuration marker = cm.getConfiguration(MARKER_PID, "?");
    if (marker.getProperties() != null) {
      return;
    }
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("pci", pci.trim());
    cm.getFactoryConfiguration(AdapterConfig.FACTORY_PID, pci.trim().replace(':', '-'), "?").update(p);
    Dictionary<String, Object> m = new Hashtable<>();
    m.put("seeded", pci.trim());
    marker.update(m);
  }

  /** Takes every adapter apart. */
  @Deactivate
  void deactivate() {
    try {
      uplinkPorts.unregister();
    } catch (IllegalStateException alreadyGone) {
      // the framework unregistered it while the bundle stopped
    }
    adapters.close();
  }

  // ---------------------------------------------------------------- ManagedServiceFactory

  @Override
  public String getName() {
    return "vDPA SmartNIC adapters";
  }

  @Override
  public void updated(String pid, Dictionary<String, ?> properties) throws ConfigurationException {
    try {
      adapters.update(pid, AdapterConfig.from(properties));
    } catch (IllegalArgumentException e) {
      log.warn("adapter configuration " + pid + " ignored: " + e.getMessage());
      throw new ConfigurationException(null, e.getMessage());
    }
  }

  @Override
  public void deleted(String pid) {
    adapters.delete(pid);
  }

  // ---------------------------------------------------------------- Devlink

  @Override
  public List<DevlinkDev> devices() {
    return adapters.devices();
  }

  @Override
  public boolean owns(String dev) {
    return adapters.owns(dev);
  }

  @Override
  public List<DevlinkPort> ports() {
    return adapters.ports();
  }

  @Override
  public void addRule(String representor, net.vdpa.api.devlink.FlowRule rule) {
    adapters.addRule(representor, rule);
  }

  @Override
  public void deleteRule(String representor, int prio) {
    adapters.deleteRule(representor, prio);
  }

  @Override
  public List<net.vdpa.api.devlink.FlowRuleStats> rules(String representor) {
    return adapters.rules(representor);
  }

  @Override
  public boolean hasRepresentor(String representor) {
    return adapters.hasRepresentor(representor);
  }

  @Override
  public void setEswitchMode(String dev, EswitchMode mode) {
    adapters.setEswitchMode(dev, mode);
  }

  @Override
  public void setNumVfs(String dev, int numVfs) {
    adapters.setNumVfs(dev, numVfs);
  }

  @Override
  public DevlinkPort addSf(String dev, int pfnum, int sfnum) {
    return adapters.addSf(dev, pfnum, sfnum);
  }

  @Override
  public void delPort(String port) {
    adapters.delPort(port);
  }

  @Override
  public List<net.vdpa.api.devlink.VfConfig> vfs(String dev) {
    return adapters.vfs(dev);
  }

  @Override
  public net.vdpa.api.port.PortCounters vfCounters(String dev, int vf) {
    return adapters.vfCounters(dev, vf);
  }

  @Override
  public void setVf(String dev, int vf, MacAddress mac, Integer vlan, Boolean spoofCheck, Boolean trust) {
    adapters.setVf(dev, vf, mac, vlan, spoofCheck, trust);
  }

  @Override
  public DevlinkPort setFunction(String port, MacAddress hwAddr, FunctionState state) {
    return adapters.setFunction(port, hwAddr, state);
  }

  @Override
  public net.vdpa.api.port.PortCounters counters(String port) {
    return adapters.counters(port);
  }

  @Override
  public java.util.Optional<net.vdpa.api.port.PortCounters> representorCounters(String port) {
    return adapters.representorCounters(port);
  }

  @Override
  public boolean carrier(String dev) {
    return adapters.carrier(dev);
  }
}
