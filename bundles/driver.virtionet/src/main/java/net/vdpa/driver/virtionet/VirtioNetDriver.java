package net.vdpa.driver.virtionet;

import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.NetInterface;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code virtio_net} driver: takes network devices from the bus, initialises them, and
 * publishes each as a {@link NetInterface} service named after the device ({@link IfName}: {@code vdpa0}
 * → {@code vnet0}, {@code foo} → {@code vnet-foo}). On remove it unpublishes
 * the interface first, then stops traffic, resets the device and lets go of its memory.
 */
@Component(service = VdpaDriver.class, configurationPid = "net.vdpa.driver.virtionet")
@Designate(ocd = DriverConfig.class)
public final class VirtioNetDriver implements VdpaDriver {
  /** The driver's name on the bus. */
  public static final String NAME = "virtio_net";

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;
  private final EventLog log = EventLog.of(() -> logger);

  private final BundleContext context;
  private volatile DriverConfig config;
  private final Map<VdpaDevice, Bound> bound = new ConcurrentHashMap<>();
  /** Interface names in use, each with the device that holds it; guarded by itself. */
  private final Map<String, String> names = new HashMap<>();

  /** An interface and its service registration. */
  private record Bound(VirtioNetInterface iface, ServiceRegistration<NetInterface> registration) {}

  /** Creates the driver with its configuration. */
  @Activate
  public VirtioNetDriver(BundleContext context, DriverConfig config) {
    this.context = context;
    this.config = config;
  }

  @Modified
  void modified(DriverConfig c) {
    this.config = c;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int match(VdpaDevice device) {
    return device.deviceId() == VdpaDevice.ID_NET ? config.score() : 0;
  }

  @Override
  public void probe(VdpaDevice device) {
    DriverConfig c = config;
    Negotiation.RingChoice ring;
    try {
      ring = Negotiation.RingChoice.valueOf(c.ring().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("driver configuration ring '" + c.ring() + "' is not auto, split or packed");
    }
    String name = IfName.of(device.name());
    synchronized (names) {
      String holder = names.putIfAbsent(name, device.name());
      if (holder != null) {
        throw new IllegalStateException("interface name " + name + " of device " + device.name()
            + " is already used by device " + holder);
      }
    }
    VirtioNetInterface iface;
    try {
      iface = VirtioNetInterface.start(name, device, ring, c.queue_size(), log::warn);
    } catch (RuntimeException e) {
      release(name);
      throw e;
    }
    Dictionary<String, Object> props = new Hashtable<>();
    props.put(NetInterface.PROP_NAME, name);
    props.put(NetInterface.PROP_MAC, iface.mac().toString());
    props.put(NetInterface.PROP_DEVICE, device.name());
    ServiceRegistration<NetInterface> reg = context.registerService(NetInterface.class, iface, props);
    bound.put(device, new Bound(iface, reg));
    log.info("interface " + name + " up on device " + device.name() + " (" + iface.queuePairs() + " queue pair(s), mtu "
        + iface.mtu() + ", " + (iface.negotiation().packed() ? "packed" : "split") + " rings)");
  }

  @Override
  public void remove(VdpaDevice device) {
    Bound b = bound.remove(device);
    if (b == null) {
      return;
    }
    try {
      b.registration().unregister();
    } catch (IllegalStateException alreadyGone) {
      // the framework took it away with the bundle
    }
    try {
      b.iface().stop();
    } finally {
      release(b.iface().name());
    }
    log.info("interface " + b.iface().name() + " removed from device " + device.name());
  }

  private void release(String name) {
    synchronized (names) {
      names.remove(name);
    }
  }
}
