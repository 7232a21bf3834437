package net.vdpa.device.smartnic;

import java.io.IOException;
import net.vdpa.api.log.EventLog;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Adapter states kept in ConfigAdmin: one named factory configuration per adapter,
 * {@code net.vdpa.smartnic.state~0000-03-00.0} (the address with {@code -} for {@code :}, so that
 * Karaf's {@code etc/} file name is valid), with the properties of {@link AdapterState}. One that
 * cannot be read is reported and the adapter starts fresh; the configuration is left in place.
 */
final class CmStateStore implements StateStore {
  /** The factory PID of adapter states. */
  static final String FACTORY_PID = "net.vdpa.smartnic.state";

  private final ConfigurationAdmin cm;
  private final EventLog log;

  CmStateStore(ConfigurationAdmin cm, EventLog log) {
    this.cm = cm;
    this.log = log;
  }

  @Override
  public AdapterState load(String adapter) {
    try {
      Configuration[] cs = cm.listConfigurations("(&(service.factoryPid=" + FACTORY_PID + ")(adapter=" + adapter + "))");
      if (cs != null && cs.length > 0) {
        return AdapterState.from(cs[0].getProperties());
      }
    } catch (IOException | InvalidSyntaxException | IllegalArgumentException e) {
      log.warn("adapter " + adapter + " starts fresh: " + e.getMessage());
    }
    return AdapterState.fresh(adapter);
  }

  @Override
  public void save(AdapterState state) {
    try {
      Configuration c = cm.getFactoryConfiguration(FACTORY_PID, state.adapter().replace(':', '-'), "?");
      c.updateIfDifferent(state.toProperties());
    } catch (IOException e) {
      throw new IllegalStateException("cannot keep the state of adapter " + state.adapter() + ": " + e.getMessage(), e);
    }
  }
}
