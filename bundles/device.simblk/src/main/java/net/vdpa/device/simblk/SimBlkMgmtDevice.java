package net.vdpa.device.simblk;

import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import net.vdpa.api.DevAttr;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.device.core.DeviceLog;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
 * request and registers each as a {@link VdpaDevice} service. Deactivating it (stopping the bundle)
 * deletes every device it created.
 */
@Component(service = VdpaMgmtDevice.class, immediate = true,
    property = VdpaMgmtDevice.PROP_HANDLE + "=" + SimBlkManager.HANDLE)
public final class SimBlkMgmtDevice implements VdpaMgmtDevice {

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
    this.manager = new SimBlkManager((device, props) -> {
      ServiceRegistration<VdpaDevice> r = context.registerService(VdpaDevice.class, device, new Hashtable<>(props));
      return () -> {
        try {
          r.unregister();
        } catch (IllegalStateException alreadyGone) {
          // the framework unregistered it while the bundle stopped
        }
      };
    }, DeviceLog.of(() -> logger));
  }

  /** Deletes every device. */
  @Deactivate
  void deactivate() {
    manager.close();
  }

  @Override
  public String handle() {
    return manager.handle();
  }

  @Override
  public Set<String> supportedClasses() {
    return manager.supportedClasses();
  }

  @Override
  public long supportedFeatures() {
    return manager.supportedFeatures();
  }

  @Override
  public int maxSupportedVqs() {
    return manager.maxSupportedVqs();
  }

  @Override
  public Set<DevAttr> acceptedAttributes() {
    return manager.acceptedAttributes();
  }

  @Override
  public void validate(DevConfig config) {
    manager.validate(config);
  }

  @Override
  public VdpaDevice devAdd(DevConfig config) {
    return manager.devAdd(config);
  }

  @Override
  public void devDel(String name) {
    manager.devDel(name);
  }

  @Override
  public List<String> devices() {
    return manager.devices();
  }
}
