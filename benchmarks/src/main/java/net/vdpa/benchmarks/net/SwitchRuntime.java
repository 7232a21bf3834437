package net.vdpa.benchmarks.net;

import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.devlink.Devlink;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FlowAction;
import net.vdpa.api.devlink.FlowMatch;
import net.vdpa.api.devlink.FlowRule;
import net.vdpa.api.net.NetInterface;
import net.vdpa.benchmarks.BenchFramework;
import org.osgi.framework.Constants;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real Felix framework with both NIC kinds side by side, for {@link SmartNicBenchmark}: a
 * simulated NIC {@code bench0} in loopback (the baseline) and a SmartNIC adapter
 * ({@code pci/0000:03:00.0}, two VFs) with devices {@code vf0} and {@code vf1} on its VFs, every
 * device bound to virtio_net, in a {@link BenchFramework}. Built and closed by one thread.
 */
final class SwitchRuntime implements AutoCloseable {
  private static final String DEV = "pci/0000:03:00.0";

  private final BenchFramework framework;
  private final Map<String, NetInterface> interfaces = new HashMap<>();

  /**
   * Boots the framework and creates the devices.
   *
   * @param switchdev false: the VFs talk through the legacy learning bridge; true: the switch is in
   *     switchdev mode and a tc flower rule on VF 0's representor redirects frames for vf1 to VF 1
   *     (the fast path)
   * @throws Exception if the runtime does not come up
   */
  SwitchRuntime(boolean switchdev) throws Exception {
    framework = new BenchFramework("smartnic");
    try {
      // one adapter, written before the SmartNIC bundle starts: it exists once its component is active
      Dictionary<String, Object> adapter = new Hashtable<>();
      adapter.put("pci", "0000:03:00.0");
      framework.configureFactory("net.vdpa.smartnic.adapter", "bench", adapter);
      framework.start("ring", "bus", "device.core", "device.simnet", "device.smartnic", "driver.virtionet");
      framework.awaitService(VdpaDriver.class, "(objectClass=" + VdpaDriver.class.getName() + ")", "the virtio_net driver");
      Devlink devlink = framework.awaitService(Devlink.class, "(objectClass=" + Devlink.class.getName() + ")", "devlink");
      if (!devlink.owns(DEV)) {
        throw new IllegalStateException("adapter " + DEV + " did not come up with the SmartNIC bundle");
      }
      devlink.setNumVfs(DEV, 2);
      if (switchdev) {
        devlink.setEswitchMode(DEV, EswitchMode.SWITCHDEV);
      }
      add("vdpasim_net", new DevConfig("bench0", MacAddress.parse("02:00:00:be:0c:00"), 1500, 1, null));
      add("pci/0000:03:00.2", new DevConfig("vf0", MacAddress.parse("02:00:00:be:0c:10"), 1500, 1, null));
      add("pci/0000:03:00.3", new DevConfig("vf1", MacAddress.parse("02:00:00:be:0c:11"), 1500, 1, null));
      if (switchdev) {
        devlink.addRule("enp3s0f0npf0vf0", new FlowRule(1, new FlowMatch(MacAddress.parse("02:00:00:be:0c:11"), null,
            null, null), List.of(new FlowAction.Redirect("enp3s0f0npf0vf1"))));
      }
    } catch (Exception | Error e) {
      framework.closeQuietly();
      throw e;
    }
  }

  /** The interface on a device ({@code bench0}, {@code vf0}, {@code vf1}). */
  NetInterface iface(String device) {
    return interfaces.get(device);
  }

  private void add(String mgmtdev, DevConfig dev) throws Exception {
    VdpaMgmtDevice m = framework.awaitService(VdpaMgmtDevice.class, "(&(objectClass=" + VdpaMgmtDevice.class.getName()
        + ")(" + VdpaMgmtDevice.PROP_HANDLE + "=" + mgmtdev + "))", "management device " + mgmtdev);
    ServiceTracker<Object, Object> t = framework.track("(&(" + Constants.OBJECTCLASS + "=" + NetInterface.class.getName()
        + ")(" + NetInterface.PROP_DEVICE + "=" + dev.name() + "))");
    m.devAdd(dev);
    Object i = t.waitForService(BenchFramework.WAIT_MS);
    if (i == null) {
      throw new IllegalStateException("no NetInterface appeared for " + dev.name());
    }
    interfaces.put(dev.name(), (NetInterface) i);
  }

  /** Stops the framework (which deletes every device) and removes its storage. */
  @Override
  public void close() throws Exception {
    framework.close();
  }
}
