package net.vdpa.benchmarks.net;

import java.util.Dictionary;
import java.util.Hashtable;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.benchmarks.BenchFramework;
import org.osgi.framework.Constants;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real Felix framework inside the benchmark JVM ({@link BenchFramework}) running what a user runs
 * for traffic: the ring, bus, {@code device.simnet} and {@code driver.virtionet} bundles. The
 * driver's ring layout is set through ConfigAdmin before the driver starts; one simulated NIC is
 * created through {@code vdpasim_net} and its {@link NetInterface} is waited for. Built and closed by one thread (the JMH trial set-up and tear-down).
 */
final class NetRuntime implements AutoCloseable {
  /** The name of the device the benchmark creates. */
  static final String DEVICE = "bench0";

  private static final String DRIVER_PID = "net.vdpa.driver.virtionet";

  private final BenchFramework framework;
  private final NetInterface iface;
  private final VdpaDevice device;

  /**
   * Boots the framework, configures the driver and creates the device.
   *
   * @param ring {@code split} or {@code packed}
   * @param pairs queue pairs of the device (its max_vqp)
   * @param mtu the device's MTU
   * @throws Exception naming the step that failed
   */
  NetRuntime(String ring, int pairs, int mtu) throws Exception {
    String layout = switch (ring) {
      case "split" -> "SPLIT";
      case "packed" -> "PACKED";
      default -> throw new IllegalArgumentException("ring '" + ring + "' is neither split nor packed");
    };
    framework = new BenchFramework("net");
    try {
      framework.configure(DRIVER_PID, driverConfig(layout));
      framework.start("ring", "bus", "device.core", "device.simnet", "driver.virtionet");
      // the device must meet a driver that already has the ring layout asked for
      framework.awaitService(VdpaDriver.class, "(&(" + Constants.OBJECTCLASS + "=" + VdpaDriver.class.getName()
          + ")(ring=" + layout + "))", "the virtio_net driver with ring=" + layout);
      VdpaMgmtDevice mgmt = framework.awaitService(VdpaMgmtDevice.class, "(&(" + Constants.OBJECTCLASS + "="
          + VdpaMgmtDevice.class.getName() + ")(" + VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_net))",
          "the vdpasim_net management device");
      ServiceTracker<Object, Object> interfaces = framework.track("(&(" + Constants.OBJECTCLASS + "="
          + NetInterface.class.getName() + ")(" + NetInterface.PROP_DEVICE + "=" + DEVICE + "))");
      device = mgmt.devAdd(new DevConfig(DEVICE, MacAddress.parse("02:00:00:be:0c:00"), mtu, pairs, null));
      iface = (NetInterface) interfaces.waitForService(BenchFramework.WAIT_MS);
      if (iface == null) {
        throw new IllegalStateException("no NetInterface appeared for device " + DEVICE + " within "
            + BenchFramework.WAIT_MS + " ms: is the bus binding it to virtio_net?");
      }
      boolean packed = (device.driverFeatures() & VirtioNet.bit(VirtioNet.F_RING_PACKED)) != 0;
      if (packed != layout.equals("PACKED")) {
        throw new IllegalStateException("device " + DEVICE + " runs " + (packed ? "packed" : "split")
            + " rings but " + ring + " was configured (driver features 0x"
            + Long.toHexString(device.driverFeatures()) + ")");
      }
      if (iface.queuePairs() != pairs) {
        throw new IllegalStateException("interface " + iface.name() + " uses " + iface.queuePairs()
            + " queue pair(s), not the " + pairs + " asked for");
      }
    } catch (Exception | Error e) {
      framework.closeQuietly();
      throw e;
    }
  }

  /** The interface on the benchmark's device. */
  NetInterface iface() {
    return iface;
  }

  /** The framework the bundles run in, to find their other services (the ports). */
  BenchFramework framework() {
    return framework;
  }

  /** The device under the interface. */
  VdpaDevice device() {
    return device;
  }

  /** Stops the framework (which deletes the device) and removes its storage. */
  @Override
  public void close() throws Exception {
    framework.close();
  }

  /**
   * {@code ring}, and {@code queue_size} when {@code -Dvdpa.bench.queueSize} is given (the
   * driver's default is 256), for the driver's PID.
   */
  private static Dictionary<String, Object> driverConfig(String layout) {
    Dictionary<String, Object> props = new Hashtable<>();
    props.put("ring", layout);
    String queueSize = System.getProperty("vdpa.bench.queueSize");
    if (queueSize != null) {
      try {
        props.put("queue_size", Integer.valueOf(queueSize.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("-Dvdpa.bench.queueSize=" + queueSize + " is not a number");
      }
    }
    return props;
  }
}
