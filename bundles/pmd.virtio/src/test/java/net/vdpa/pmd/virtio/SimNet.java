package net.vdpa.pmd.virtio;

import java.lang.reflect.Proxy;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.device.simnet.SimNetMgmtDevice;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** A real simulated NIC outside a framework: the management device with a stub bundle context. */
final class SimNet {
  private SimNet() {}

  /** Creates a simulated NIC (loopback wire) with one queue pair. */
  static VdpaDevice create(String name) {
    return create(name, 1);
  }

  /** Creates a simulated NIC (loopback wire) with up to {@code maxVqp} queue pairs (MQ). */
  static VdpaDevice create(String name, int maxVqp) {
    ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(SimNet.class.getClassLoader(),
        new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
    BundleContext ctx = (BundleContext) Proxy.newProxyInstance(SimNet.class.getClassLoader(),
        new Class<?>[] {BundleContext.class}, (p, m, a) -> m.getName().equals("registerService") ? reg : null);
    SimNetMgmtDevice mgmt = new SimNetMgmtDevice(ctx);
    return mgmt.devAdd(new DevConfig(name, null, null, maxVqp, null));
  }

  /** The device's MAC from its config space. */
  static String mac(VdpaDevice d) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(6);
    d.getConfig(0, b);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      s.append(i == 0 ? "" : ":").append(String.format("%02x", b.get(i) & 0xff));
    }
    return s.toString();
  }

  /** A counter of one queue. */
  static long stat(VdpaDevice d, int vq, String name) {
    return d.vendorVqStats(vq).getOrDefault(name, -1L);
  }
}
