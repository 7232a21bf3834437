package net.vdpa.device.simnet;

import java.util.Map;

/** Port stores that need no framework. */
final class PortStores {
  /** Keeps nothing: every port starts in loopback and a deleted device's port is forgotten. */
  static final PortStore NONE = new PortStore() {
    @Override
    public Map<String, PortSetting> load() {
      return Map.of();
    }

    @Override
    public void save(PortSetting setting) {}

    @Override
    public void remove(String device) {}

    @Override
    public boolean keeps(String device) {
      return false;
    }
  };

  private PortStores() {}
}
