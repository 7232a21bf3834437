package net.vdpa.device.simnet;

import java.util.Map;

/**
 * Where port settings are kept between runs. The simulated NIC bundle keeps them in ConfigAdmin
 * ({@link CmPortStore}); tests keep them in memory.
 */
interface PortStore {
  /**
   * Every kept setting.
   *
   * @return settings by device name
   */
  Map<String, PortSetting> load();

  /**
   * Keeps a setting, replacing the device's previous one.
   *
   * @param setting the setting
   */
  void save(PortSetting setting);

  /**
   * Forgets a device's setting.
   *
   * @param device the device
   */
  void remove(String device);

  /**
   * Whether a device deleted now will come back by itself, so its port should be kept: it has a
   * kept configuration, or the whole framework is stopping.
   *
   * @param device the device
   * @return true to keep its port setting
   */
  boolean keeps(String device);
}
