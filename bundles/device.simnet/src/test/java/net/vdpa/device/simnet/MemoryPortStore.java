package net.vdpa.device.simnet;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Port settings kept in a map, standing in for ConfigAdmin across "restarts" of a manager. */
final class MemoryPortStore implements PortStore {
  final Map<String, PortSetting> kept = new HashMap<>();
  /** Devices that have a kept device configuration. */
  final Set<String> keptDevices = new HashSet<>();

  @Override
  public synchronized Map<String, PortSetting> load() {
    return new HashMap<>(kept);
  }

  @Override
  public synchronized void save(PortSetting setting) {
    if (setting.isDefault()) {
      kept.remove(setting.device());
    } else {
      kept.put(setting.device(), setting);
    }
  }

  @Override
  public synchronized void remove(String device) {
    kept.remove(device);
  }

  @Override
  public synchronized boolean keeps(String device) {
    return keptDevices.contains(device);
  }
}
