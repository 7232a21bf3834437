package net.vdpa.webconsole;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.passthrough.PassthroughDevice;
import net.vdpa.api.vhost.VhostVdpa;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The Web Console's vDPA tab: follows the bus (Event Admin events on {@code net/vdpa/*}, the class
 * services drivers publish) and registers the tab as a Web Console plugin, a servlet service with
 * {@code felix.webconsole.label=vdpa} and {@code felix.webconsole.title=vDPA}. The servlet is of the
 * API the bundle is wired to: {@code jakarta.servlet} (Felix Web Console 5, as in the runtime) if
 * present, else {@code javax.servlet} (Karaf 4.4's Web Console); with neither there is no tab, and
 * one log line says so.
 */
@Component(service = EventHandler.class, immediate = true, property = EventConstants.EVENT_TOPIC + "=" + VdpaEvents.TOPIC_ALL)
public final class VdpaTab implements EventHandler {
  /** The servlet APIs the tab can be offered through, in order of preference. */
  enum ServletApi {
    JAKARTA("jakarta.servlet.http"), JAVAX("javax.servlet.http");

    final String pkg;

    ServletApi(String pkg) {
      this.pkg = pkg;
    }
  }

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile VdpaDeviceStore store;

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;
  private final EventLog log = EventLog.of(() -> logger);

  private final LiveState live;
  private final ServiceRegistration<?> registration;

  /** Starts following the bus and registers the tab. */
  @Activate
  public VdpaTab(BundleContext context, @Reference VdpaBus bus) {
    this.live = new LiveState(bus);
    PluginCore core = new PluginCore(bus, live, () -> store, log);
    Optional<ServletApi> api = wiredApi(context);
    Dictionary<String, Object> props = new Hashtable<>();
    props.put("felix.webconsole.label", PluginCore.LABEL);
    props.put("felix.webconsole.title", PluginCore.TITLE);
    props.put("felix.webconsole.category", PluginCore.TITLE);
    props.put("felix.webconsole.css", "/" + PluginCore.LABEL + "/res/vdpa.css");
    if (api.isEmpty()) {
      log.warn("webconsole: no servlet API (jakarta.servlet or javax.servlet) is wired: the vDPA tab is not offered");
      registration = null;
    } else if (api.get() == ServletApi.JAKARTA) {
      registration = context.registerService("jakarta.servlet.Servlet", new JakartaPlugin(core), props);
    } else {
      registration = context.registerService("javax.servlet.Servlet", new JavaxPlugin(core), props);
    }
  }

  /** The servlet API this bundle's optional imports are wired to, preferring Jakarta. */
  static Optional<ServletApi> wiredApi(BundleContext context) {
    BundleWiring wiring = context.getBundle().adapt(BundleWiring.class);
    java.util.Set<String> wired = new java.util.HashSet<>();
    for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
      wired.add(String.valueOf(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)));
    }
    for (ServletApi a : ServletApi.values()) {
      if (wired.contains(a.pkg)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  @Deactivate
  void deactivate() {
    if (registration != null) {
      registration.unregister();
    }
    live.close();
  }

  @Override
  public void handleEvent(Event event) {
    live.busChanged();
  }

  // ---- class services, by the device they sit on ----

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addNet(NetInterface nif, Map<String, Object> props) {
    live.add(nif, new ClassService.Net(String.valueOf(props.get(NetInterface.PROP_DEVICE)), nif));
  }

  void removeNet(NetInterface nif) {
    live.remove(nif);
  }

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addVhost(VhostVdpa vhost, Map<String, Object> props) {
    live.add(vhost, new ClassService.Vhost(String.valueOf(props.get(VhostVdpa.PROP_DEVICE)), String.valueOf(vhost.socketPath())));
  }

  void removeVhost(VhostVdpa vhost) {
    live.remove(vhost);
  }

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addBlock(BlockDevice blk, Map<String, Object> props) {
    live.add(blk, new ClassService.Block(String.valueOf(props.get(BlockDevice.PROP_DEVICE)), blk));
  }

  void removeBlock(BlockDevice blk) {
    live.remove(blk);
  }

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addPassthrough(PassthroughDevice pt, Map<String, Object> props) {
    live.add(pt, passthrough(props));
  }

  void removePassthrough(PassthroughDevice pt) {
    live.remove(pt);
  }

  /** A passthrough handle from its service properties: the device and its IOMMU group. */
  static ClassService.Passthrough passthrough(Map<String, Object> props) {
    Object group = props.get(PassthroughDevice.PROP_GROUP);
    return new ClassService.Passthrough(String.valueOf(props.get(PassthroughDevice.PROP_DEVICE)),
        group instanceof Number n ? n.intValue() : -1);
  }

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addMgmtdev(VdpaMgmtDevice m) {
    live.addMgmtdev(m);
  }

  void removeMgmtdev(VdpaMgmtDevice m) {
    live.removeMgmtdev(m);
  }
}
