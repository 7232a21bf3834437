package net.vdpa.device.core;

import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import net.vdpa.api.DevAttr;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The component face of a management device: everything {@link VdpaMgmtDevice} asks is answered by
 * the kind's manager, which a subclass (the DS component) creates with a publisher that registers
 * devices with its bundle context ({@link #registering}).
 */
@ConsumerType
public abstract class MgmtDeviceComponent implements VdpaMgmtDevice {
  /**
   * The management device doing the work.
   *
   * @return the manager
   */
  protected abstract VdpaMgmtDevice manager();

  /**
   * A publisher that registers each device as a {@link VdpaDevice} service of a bundle, and
   * withdraws it again (quietly if the framework already did, as the bundle stops).
   *
   * @param context the bundle's context
   * @return the publisher
   */
  public static DeviceTable.Publisher registering(BundleContext context) {
    return (device, props) -> {
      ServiceRegistration<VdpaDevice> r = context.registerService(VdpaDevice.class, device, new Hashtable<>(props));
      return () -> {
        try {
          r.unregister();
        } catch (IllegalStateException alreadyGone) {
          // the framework unregistered it while the bundle stopped
        }
      };
    };
  }

  @Override
  public String handle() {
    return manager().handle();
  }

  @Override
  public Set<String> supportedClasses() {
    return manager().supportedClasses();
  }

  @Override
  public long supportedFeatures() {
    return manager().supportedFeatures();
  }

  @Override
  public int maxSupportedVqs() {
    return manager().maxSupportedVqs();
  }

  @Override
  public Set<DevAttr> acceptedAttributes() {
    return manager().acceptedAttributes();
  }

  @Override
  public void validate(DevConfig config) {
    manager().validate(config);
  }

  @Override
  public VdpaDevice devAdd(DevConfig config) {
    return manager().devAdd(config);
  }

  @Override
  public void devDel(String name) {
    manager().devDel(name);
  }

  @Override
  public List<String> devices() {
    return manager().devices();
  }
}
