package net.vdpa.testkit.passthrough;

import java.lang.reflect.Proxy;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.passthrough.Vfio;
import net.vdpa.driver.passthrough.DriverConfig;
import net.vdpa.driver.passthrough.VfioVdpaDriver;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The real {@code vfio_vdpa} driver outside a framework, with no bus: a test plays the bus by
 * calling {@link #probe} and {@link #remove}, and uses the driver through {@link #vfio()} as any
 * passthrough user does. Device services the driver publishes go to a bundle context that keeps
 * nothing; no IOMMU group has more than one device.
 */
public final class PassthroughFixture {
  private final VfioVdpaDriver driver;

  /**
   * Starts a driver.
   *
   * @param graceMillis how long a handle's owner has to close it once asked, before it is revoked
   * @param dmaEntryLimit the most mappings one container holds
   */
  public PassthroughFixture(long graceMillis, int dmaEntryLimit) {
    driver = new VfioVdpaDriver(stubContext(), config(graceMillis, dmaEntryLimit));
  }

  /**
   * The driver as the bus sees it.
   *
   * @return the driver
   */
  public VdpaDriver driver() {
    return driver;
  }

  /**
   * The driver's passthrough service, as users get it.
   *
   * @return the service
   */
  public Vfio vfio() {
    return driver;
  }

  /**
   * Hands the driver a device, as the bus's {@code bind} would.
   *
   * @param device the device
   */
  public void probe(VdpaDevice device) {
    driver.probe(device);
  }

  /**
   * Takes a device back, as the bus's {@code unbind} would: the owner of an open handle is asked
   * to release it and revoked after the grace period.
   *
   * @param device a device given with {@link #probe}
   */
  public void remove(VdpaDevice device) {
    driver.remove(device);
  }

  private static BundleContext stubContext() {
    ClassLoader cl = PassthroughFixture.class.getClassLoader();
    ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(cl,
        new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
    return (BundleContext) Proxy.newProxyInstance(cl, new Class<?>[] {BundleContext.class},
        (p, m, a) -> m.getName().equals("registerService") ? reg : null);
  }

  private static DriverConfig config(long graceMillis, int dmaEntryLimit) {
    return (DriverConfig) Proxy.newProxyInstance(PassthroughFixture.class.getClassLoader(),
        new Class<?>[] {DriverConfig.class}, (p, m, a) -> switch (m.getName()) {
          case "grace_ms" -> graceMillis;
          case "dma_entry_limit" -> dmaEntryLimit;
          case "iommu_groups" -> new String[0];
          default -> null;
        });
  }
}
