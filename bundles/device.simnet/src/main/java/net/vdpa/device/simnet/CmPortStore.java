package net.vdpa.device.simnet;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.log.EventLog;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Port settings kept in ConfigAdmin: one named factory configuration per device,
 * {@code net.vdpa.simnet.port~DEVICE} (in Karaf, {@code etc/net.vdpa.simnet.port~left.cfg}), with
 * the properties of {@link PortSetting}. A default port (loopback, link up) has none.
 *
 * <p>Whether a deleted device comes back is read from ConfigAdmin too: a kept device is a factory
 * configuration of {@link VdpaDeviceStore#FACTORY_PID} whose {@code name} property is the device
 * name (the config bundle's layout); while the framework stops, every device counts as coming back.
 *
 * <p>A configuration that cannot be read is reported (one line naming its PID and what is wrong)
 * and left in place, so that nothing a user wrote is lost.
 */
final class CmPortStore implements PortStore {
  /** The factory PID of port settings. */
  static final String FACTORY_PID = "net.vdpa.simnet.port";

  private final BundleContext context;
  private final ConfigurationAdmin cm;
  private final EventLog log;

  /**
   * A store over ConfigAdmin.
   *
   * @param context the bundle's context, to tell a framework shutdown
   * @param cm ConfigAdmin
   * @param log where problems are reported
   */
  CmPortStore(BundleContext context, ConfigurationAdmin cm, EventLog log) {
    this.context = context;
    this.cm = cm;
    this.log = log;
  }

  @Override
  public Map<String, PortSetting> load() {
    Map<String, PortSetting> out = new HashMap<>();
    for (Configuration c : list("(service.factoryPid=" + FACTORY_PID + ")")) {
      try {
        PortSetting s = PortSetting.from(c.getProperties());
        out.put(s.device(), s);
      } catch (IllegalArgumentException e) {
        log.warn("port setting " + c.getPid() + " ignored: " + e.getMessage());
      }
    }
    return out;
  }

  @Override
  public void save(PortSetting setting) {
    if (setting.isDefault()) {
      remove(setting.device());
      return;
    }
    try {
      Configuration c = cm.getFactoryConfiguration(FACTORY_PID, setting.device(), "?");
      c.updateIfDifferent(setting.toProperties());
    } catch (IOException e) {
      throw new IllegalStateException("cannot keep the port setting of " + setting.device() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void remove(String device) {
    for (Configuration c : list("(&(service.factoryPid=" + FACTORY_PID + ")(" + PortSetting.DEVICE + "=" + device + "))")) {
      try {
        c.delete();
      } catch (IOException | IllegalStateException e) {
        log.warn("port setting " + c.getPid() + " could not be deleted: " + e.getMessage());
      }
    }
  }

  @Override
  public boolean keeps(String device) {
    int framework = context.getBundle(0).getState();
    if (framework == Bundle.STOPPING) {
      return true;
    }
    return !list("(&(service.factoryPid=" + VdpaDeviceStore.FACTORY_PID + ")(name=" + device + "))").isEmpty();
  }

  private java.util.List<Configuration> list(String filter) {
    try {
      Configuration[] all = cm.listConfigurations(filter);
      return all == null ? java.util.List.of() : java.util.List.of(all);
    } catch (IOException | InvalidSyntaxException e) {
      throw new IllegalArgumentException("cannot list configurations " + filter + ": " + e.getMessage());
    }
  }
}
