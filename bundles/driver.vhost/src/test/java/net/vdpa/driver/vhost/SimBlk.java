package net.vdpa.driver.vhost;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.device.simblk.SimBlkMgmtDevice;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** A real simulated block device outside a framework: the management device with a stub bundle context. */
final class SimBlk {
  private SimBlk() {}

  /** Creates a block device of {@code capacity} bytes backed by {@code file}. */
  static VdpaDevice create(String name, long capacity, Path file) {
    ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(SimBlk.class.getClassLoader(),
        new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
    BundleContext ctx = (BundleContext) Proxy.newProxyInstance(SimBlk.class.getClassLoader(),
        new Class<?>[] {BundleContext.class}, (p, m, a) -> m.getName().equals("registerService") ? reg : null);
    return new SimBlkMgmtDevice(ctx).devAdd(new DevConfig(name, null, null, null, null, capacity, file.toString(), null));
  }
}
