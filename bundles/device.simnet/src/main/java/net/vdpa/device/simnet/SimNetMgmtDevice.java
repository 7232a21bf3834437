package net.vdpa.device.simnet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortEnd;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketStats;
import net.vdpa.api.port.WireKind;
import net.vdpa.device.core.MgmtDeviceComponent;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The {@code vdpasim_net} management device as a component: creates simulated NICs on request and
 * registers each as a {@link VdpaDevice} service; also offers {@link PortControl} to plug their
 * ports, whose settings it keeps in ConfigAdmin ({@link CmPortStore}). Deactivating it (stopping
 * the bundle) deletes every device it created; their port settings stay for next time.
 */
@Component(service = {VdpaMgmtDevice.class, PortControl.class}, immediate = true,
    property = VdpaMgmtDevice.PROP_HANDLE + "=" + SimNetManager.HANDLE)
public final class SimNetMgmtDevice extends MgmtDeviceComponent implements PortControl {

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;

  private final SimNetManager manager;

  /**
   * Starts with no devices, keeping port settings in ConfigAdmin (the component).
   *
   * @param context the bundle context devices are registered with
   * @param cm where port settings are kept
   */
  @Activate
  public SimNetMgmtDevice(BundleContext context, @Reference ConfigurationAdmin cm) {
    this.manager = manager(context, log -> new CmPortStore(context, cm, log));
  }

  /**
   * Starts with no devices, keeping no port settings (outside a framework: tests, benchmarks).
   *
   * @param context the bundle context devices are registered with
   */
  public SimNetMgmtDevice(BundleContext context) {
    this.manager = manager(context, log -> PortStores.NONE);
  }

  private SimNetManager manager(BundleContext context, java.util.function.Function<EventLog, PortStore> store) {
    EventLog log = EventLog.of(() -> logger);
    return new SimNetManager(registering(context), log, store.apply(log));
  }

  @Override
  protected VdpaMgmtDevice manager() {
    return manager;
  }

  /** Deletes every device. */
  @Deactivate
  void deactivate() {
    manager.close();
  }

  @Override
  public void loopback(String device) {
    manager.ports().loopback(device);
  }

  @Override
  public PortEnd end(String port) {
    return manager.ports().end(port);
  }

  @Override
  public void join(String port, PortEnd far) {
    manager.ports().join(port, far);
  }

  @Override
  public void cable(String a, String b) {
    manager.ports().cable(a, b);
  }

  @Override
  public void capture(String device, Path file) throws IOException {
    manager.ports().capture(device, file);
  }

  @Override
  public void socket(String device, WireKind kind, SocketAddresses addresses) throws IOException {
    manager.ports().socket(device, kind, addresses);
  }

  @Override
  public Optional<SocketStats> socketStats(String port) {
    return manager.ports().socketStats(port);
  }

  @Override
  public String provider() {
    return manager.ports().provider();
  }

  @Override
  public boolean owns(String port) {
    return manager.ports().owns(port);
  }

  @Override
  public PortCounters counters(String port) {
    return manager.ports().counters(port);
  }

  @Override
  public void setLink(String device, boolean up) {
    manager.ports().setLink(device, up);
  }

  @Override
  public PortState port(String device) {
    return manager.ports().port(device);
  }

  @Override
  public List<PortState> ports() {
    return manager.ports().ports();
  }
}
