package net.vdpa.device.simblk;

import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.device.core.MgmtDeviceComponent;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The {@code vdpasim_blk} management device as a component: creates simulated block devices on
 * request and registers each as a {@link net.vdpa.api.VdpaDevice} service. Deactivating it
 * (stopping the bundle) deletes every device it created.
 */
@Component(service = VdpaMgmtDevice.class, immediate = true,
    property = VdpaMgmtDevice.PROP_HANDLE + "=" + SimBlkManager.HANDLE)
public final class SimBlkMgmtDevice extends MgmtDeviceComponent {

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;

  private final SimBlkManager manager;

  /**
   * Starts with no devices.
   *
   * @param context the bundle context devices are registered with
   */
  @Activate
  public SimBlkMgmtDevice(BundleContext context) {
    this.manager = new SimBlkManager(registering(context), EventLog.of(() -> logger));
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
}
