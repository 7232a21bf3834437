package net.vdpa.device.simnet;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.MacAddress;
import net.vdpa.api.log.EventLog;

/** Creates devices for tests and resets them all afterwards. */
final class Devices implements AutoCloseable {
  final List<SimNetDevice> created = new ArrayList<>();

  SimNetDevice create(String name, int mtu, int maxVqp) {
    return create(name, mtu, maxVqp, SimNetManager.SUPPORTED_FEATURES);
  }

  SimNetDevice create(String name, int mtu, int maxVqp, long features) {
    SimNetDevice d = new SimNetDevice(
        new NetSpec(name, SimNetManager.HANDLE, SimNetManager.defaultMac(name), mtu, maxVqp, features), EventLog.NONE);
    created.add(d);
    return d;
  }

  static MacAddress mac(SimNetDevice d) {
    return d.spec().mac();
  }

  /** Names of the live threads that belong to a device. */
  static List<String> threadsOf(String device) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(SimNetDevice.THREAD_PREFIX + device + "-qp")) {
        names.add(t.getName());
      }
    }
    return names;
  }

  @Override
  public void close() {
    for (SimNetDevice d : created) {
      d.reset();
    }
  }
}
