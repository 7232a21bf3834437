package net.vdpa.pmd.virtio;

import java.lang.reflect.Proxy;
import net.vdpa.driver.passthrough.DriverConfig;
import net.vdpa.driver.passthrough.VfioVdpaDriver;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The real vfio_vdpa driver outside a framework: a stub bundle context and a configuration. */
final class Passthrough {
  private Passthrough() {}

  static VfioVdpaDriver driver(long graceMillis) {
    ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(Passthrough.class.getClassLoader(),
        new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
    BundleContext ctx = (BundleContext) Proxy.newProxyInstance(Passthrough.class.getClassLoader(),
        new Class<?>[] {BundleContext.class}, (p, m, a) -> m.getName().equals("registerService") ? reg : null);
    DriverConfig config = (DriverConfig) Proxy.newProxyInstance(Passthrough.class.getClassLoader(),
        new Class<?>[] {DriverConfig.class}, (p, m, a) -> switch (m.getName()) {
          case "grace_ms" -> graceMillis;
          case "dma_entry_limit" -> 64;
          case "iommu_groups" -> new String[0];
          default -> null;
        });
    return new VfioVdpaDriver(ctx, config);
  }
}
