package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.vhost.SocketMode;
import net.vdpa.api.vhost.VhostVdpa;
import net.vdpa.unix.LibC;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code vhost_vdpa} driver: takes network and block devices (with a low score, so devices come
 * to it by override or {@code bind}), opens a vhost-user socket for it (or, in client mode, connects to the
 * socket its frontend listens on, again whenever the frontend restarts) and publishes it as a {@link
 * VhostVdpa} service. Remove revokes: unpublish, close the socket and the frontend's connection,
 * reset the device, return.
 */
@Component(service = VdpaDriver.class, configurationPid = "net.vdpa.driver.vhost")
@Designate(ocd = DriverConfig.class)
public final class VhostVdpaDriver implements VdpaDriver {
  /** The driver's name on the bus. */
  public static final String NAME = "vhost_vdpa";

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;

  private final BundleContext context;
  private final Path defaultSocketDir;
  private final int runtimeUid = LibC.getuid();
  private volatile Settings settings;
  /** Why the socket directory cannot be used, or null; probes fail with it. */
  private volatile String socketDirProblem;
  private final Map<VdpaDevice, Bound> bound = new ConcurrentHashMap<>();
  private final EventLog log = EventLog.of(() -> logger);

  /** A bound device and its service registration. */
  private record Bound(VhostDeviceHandle handle, ServiceRegistration<VhostVdpa> registration) {}

  /**
   * Creates the driver with its configuration.
   *
   * @param context the bundle context services are registered with
   * @param config the configuration
   */
  @Activate
  public VhostVdpaDriver(BundleContext context, DriverConfig config) {
    this.context = context;
    this.defaultSocketDir = SocketDir.defaultFor(System.getenv("XDG_RUNTIME_DIR"), frameworkStorage(context));
    apply(config);
  }

  @Modified
  void modified(DriverConfig config) {
    apply(config);
  }

  private void apply(DriverConfig config) {
    Settings s = Settings.from(config, defaultSocketDir);
    String problem = null;
    try {
      SocketDir.prepare(s.socketDir(), s.privateDir(), runtimeUid);
    } catch (IOException e) {
      problem = e.getMessage();
      log.error(problem);
    }
    this.settings = s;
    this.socketDirProblem = problem;
  }

  /**
   * The framework's storage directory: the launching property, else what the framework chose (the
   * parent of this bundle's data area, two levels up on Felix and Equinox).
   */
  private static Path frameworkStorage(BundleContext context) {
    String storage = context.getProperty(Constants.FRAMEWORK_STORAGE);
    if (storage != null && !storage.isBlank()) {
      return Path.of(storage);
    }
    java.io.File data = context.getDataFile("");
    if (data != null && data.getParentFile() != null && data.getParentFile().getParentFile() != null) {
      return data.getParentFile().getParentFile().toPath();
    }
    return Path.of("vdpa-cache");
  }

  /** Revokes every device still bound (the bundle stops before the bus removed them). */
  @Deactivate
  void deactivate() {
    for (VdpaDevice d : new ArrayList<>(bound.keySet())) {
      remove(d);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int match(VdpaDevice device) {
    // the vhost-user backend serves virtio-net (vhost-user-net) and virtio-blk (vhost-user-blk)
    return VhostKind.of(device) != null ? settings.score() : 0;
  }

  @Override
  public void probe(VdpaDevice device) throws Exception {
    if (VhostKind.of(device) == null) {
      throw new IllegalArgumentException("device " + device.name() + " has device id " + device.deviceId()
          + ": the vhost-user backend serves network (1) and block (2) devices");
    }
    Settings s = settings;
    Path socket = s.socketFor(device.name());
    SocketMode mode = s.clientFor(device.name()) != null ? SocketMode.CLIENT : SocketMode.SERVER;
    // a client's frontend socket is checked when its endpoint starts and before each connection
    if (mode == SocketMode.SERVER && s.inSocketDir(device.name())) {
      String problem = socketDirProblem;
      if (problem != null) {
        throw new IOException(problem);
      }
    } else if (mode == SocketMode.SERVER) {
      SocketDir.checkExplicit(socket, runtimeUid);
    }
    VhostDeviceHandle handle = new VhostDeviceHandle(device, mode, socket, s, runtimeUid, log);
    handle.start();
    Dictionary<String, Object> props = new Hashtable<>();
    props.put(VhostVdpa.PROP_DEVICE, device.name());
    props.put(VhostVdpa.PROP_SOCKET, handle.socketPath().toString());
    ServiceRegistration<VhostVdpa> reg;
    try {
      reg = context.registerService(VhostVdpa.class, handle, props);
    } catch (RuntimeException e) {
      handle.revoke("registration failed");
      throw e;
    }
    bound.put(device, new Bound(handle, reg));
    log.info("device " + device.name() + " bound to " + NAME + ", vhost-user socket " + handle.socketPath()
        + (mode == SocketMode.CLIENT ? " (client mode)" : ""));
  }

  /** Busy while a vhost-user frontend or an in-process handle holds the device: the bus leaves it here. */
  @Override
  public Optional<String> busy(VdpaDevice device) {
    Bound b = bound.get(device);
    return b == null ? Optional.empty() : b.handle().owner().map(o -> "held by " + o);
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
    b.handle().revoke("device " + device.name() + " removed from " + NAME);
    log.info("device " + device.name() + " unbound from " + NAME);
  }

  /**
   * The handles of the bound devices (tests).
   *
   * @return a snapshot
   */
  List<VhostDeviceHandle> handles() {
    List<VhostDeviceHandle> l = new ArrayList<>();
    for (Bound b : bound.values()) {
      l.add(b.handle());
    }
    return l;
  }
}
