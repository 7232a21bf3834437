package net.vdpa.benchmarks.pt;

import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PollModeDriver;
import net.vdpa.api.vhost.VhostVdpa;
import net.vdpa.benchmarks.BenchFramework;
import org.osgi.framework.Constants;

/**
 * A real Felix framework inside the benchmark JVM with one of the user-space paths: SCR,
 * ConfigAdmin, Event Admin and Log, the ring, bus and {@code device.simnet} bundles, then either
 * {@code driver.passthrough} and {@code pmd.virtio} ({@link Path#PASSTHROUGH}: the device is bound
 * to {@code vfio_vdpa} and opened by the poll-mode driver) or JNA, {@code unix} and {@code
 * driver.vhost} ({@link Path#VHOST}: the device is bound to {@code vhost_vdpa} and opened through
 * the in-process vhost API). No virtio_net: the device waits unbound until the bus binds it. Boots
 * through {@link BenchFramework}. Built and closed by one thread.
 */
final class PtRuntime implements AutoCloseable {
  /** The name of the device the benchmark creates. */
  static final String DEVICE = "ptbench0";

  private final BenchFramework framework;
  private final PmdPort port;
  private final VhostVdpa vhost;

  /** Which user-space path the runtime carries. */
  enum Path {
    /** vfio_vdpa and the poll-mode driver. */
    PASSTHROUGH,
    /** vhost_vdpa's in-process API. */
    VHOST
  }

  PtRuntime(Path path) throws Exception {
    framework = new BenchFramework("pt");
    try {
      framework.start(path == Path.PASSTHROUGH
          ? new String[] {"ring", "bus", "device.core", "device.simnet", "driver.passthrough", "pmd.virtio"}
          : new String[] {"jna", "ring", "unix", "bus", "device.core", "device.simnet", "driver.vhost"});
      VdpaMgmtDevice mgmt = await(VdpaMgmtDevice.class, "(" + VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_net)");
      VdpaBus bus = await(VdpaBus.class, null);
      String driver = path == Path.PASSTHROUGH ? "vfio_vdpa" : "vhost_vdpa";
      await(net.vdpa.api.VdpaDriver.class, "(component.name=" + (path == Path.PASSTHROUGH
          ? "net.vdpa.driver.passthrough.VfioVdpaDriver" : "net.vdpa.driver.vhost.VhostVdpaDriver") + ")");
      mgmt.devAdd(new DevConfig(DEVICE, MacAddress.parse("02:00:00:be:0c:70"), null, null, null));
      bus.bind(DEVICE, driver);
      if (path == Path.PASSTHROUGH) {
        port = await(PollModeDriver.class, null).start(DEVICE, "benchmark");
        vhost = null;
      } else {
        port = null;
        vhost = await(VhostVdpa.class, "(" + VhostVdpa.PROP_DEVICE + "=" + DEVICE + ")");
      }
    } catch (Exception | Error e) {
      framework.closeQuietly();
      throw e;
    }
  }

  PmdPort port() {
    return port;
  }

  VhostVdpa vhost() {
    return vhost;
  }

  @Override
  public void close() throws Exception {
    if (port != null) {
      port.close();
    }
    framework.close();
  }

  private <T> T await(Class<T> type, String extra) throws Exception {
    String f = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
    return framework.awaitService(type, extra == null ? f : "(&" + f + extra + ")", type.getSimpleName());
  }
}
