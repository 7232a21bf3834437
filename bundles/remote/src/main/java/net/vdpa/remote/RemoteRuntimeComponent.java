package net.vdpa.remote;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Map;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.remote.VdpaRuntime;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Remote management of this runtime, off unless asked for (see {@link RemoteSettings}). When
 * active it registers this runtime's {@link VdpaRuntime} (with {@code service.exported.interfaces}
 * and Aries' TCP provider's settings when export is on) and configures discovery: the static peer
 * list for Aries' config discovery, or the ZooKeeper server for Aries' ZooKeeper discovery.
 * Inactive, it registers nothing and removes what it wrote before, so Aries RSA stays idle.
 */
@Component(configurationPid = RemoteSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = RemoteConfig.class)
public final class RemoteRuntimeComponent {
  private static final String TCP = "aries.tcp";

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger log;

  private final ServiceRegistration<VdpaRuntime> registration;
  private final ServiceRegistration<EventHandler> events;

  /**
   * Reads the settings and, when remote management is asked for, starts it. {@code bind} is not
   * called: referencing it makes its weaving hook exist before this component can export, so that
   * Aries' TCP server listens on {@code address} only.
   */
  @Activate
  public RemoteRuntimeComponent(BundleContext context, Map<String, Object> config, @Reference VdpaBus bus,
      @Reference VdpaDeviceStore store, @Reference ConfigurationAdmin cm, @Reference AriesTcpBind bind) throws IOException {
    RemoteSettings s = RemoteSettings.read(config, context::getProperty);
    new PeerEndpoints(cm).sync(s.peers(), s.timeoutMs()); // no peers: removes the ones an earlier run wrote
    new ZooKeeperDiscoveryConfig(cm).sync(s.zookeeper(), s.sessionMs()); // likewise
    if (!s.active()) {
      registration = null;
      events = null;
      return;
    }
    EventJournal journal = new EventJournal();
    Hashtable<String, Object> topics = new Hashtable<>();
    topics.put(EventConstants.EVENT_TOPIC, VdpaEvents.TOPIC_ALL);
    events = context.registerService(EventHandler.class, journal, topics);
    Hashtable<String, Object> props = new Hashtable<>();
    props.put(VdpaRuntime.PROP_HOST, s.host());
    props.put(VdpaRuntime.PROP_TIMEOUT, s.timeoutMs());
    props.put(VdpaRuntime.PROP_PEERS, s.peers().size());
    if (s.zookeeper() != null) {
      props.put(VdpaRuntime.PROP_ZOOKEEPER, s.zookeeper().getAuthority());
    }
    if (s.export()) {
      props.put("service.exported.interfaces", VdpaRuntime.class.getName());
      props.put("service.exported.configs", TCP);
      props.put("aries.rsa.hostname", s.address());
      props.put("aries.rsa.port", String.valueOf(s.port()));
      props.put("osgi.basic.timeout", String.valueOf(s.timeoutMs()));
    }
    registration = context.registerService(VdpaRuntime.class,
        new RuntimeFacade(s.host(), bus, store, new LocalServices(context), journal), props);
    Logger l = log;
    if (l != null) {
      l.info("remote management: host {} export {} discovery {}", s.host(),
          s.export() ? s.address() + ":" + s.port() : "off",
          s.zookeeper() != null ? "zookeeper " + s.zookeeper().getAuthority() : "peers " + s.peers());
    }
  }

  /** Withdraws the facade (and with it the export). The peer list stays for the next start. */
  @Deactivate
  void deactivate() {
    if (registration != null) {
      registration.unregister();
      events.unregister();
    }
  }
}
