package net.vdpa.config;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Map;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.log.EventLog;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One kept device: a component per factory configuration of {@link VdpaDeviceStore#FACTORY_PID}.
 * It is active while its management device (the reference's target comes from the configuration)
 * is present: activation creates the device, deactivation deletes it. So a device comes back after
 * a restart, and when its device bundle is installed again.
 */
@Designate(ocd = KeptDeviceConfig.class, factory = true)
@Component(configurationPid = VdpaDeviceStore.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
    service = {})
public final class KeptDevice {
  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;
  private final EventLog log = EventLog.of(() -> logger);

  private final VdpaMgmtDevice mgmtdev;
  private final VdpaBus bus;
  private final ConfigurationAdmin cm;
  private final Object pid;
  private KeptConfig kept;

  /** Creates the device the configuration describes. */
  @Activate
  public KeptDevice(@Reference(name = "mgmtdev") VdpaMgmtDevice mgmtdev, @Reference VdpaBus bus,
      @Reference ConfigurationAdmin cm, Map<String, Object> props) {
    this.mgmtdev = mgmtdev;
    this.bus = bus;
    this.cm = cm;
    this.pid = props.get(Constants.SERVICE_PID);
    this.kept = KeptConfig.from(props);
    if (!mgmtdev.handle().equals(kept.mgmtdev())) {
      // a configuration written by hand has no reference target, so any management device satisfied
      // it: give it the target, and SCR binds the right one (this instance then does nothing)
      addTarget();
    }
  }

  /** Creates the device once the references (the logger among them) are in place. */
  @Activate
  void activate() {
    if (mgmtdev.handle().equals(kept.mgmtdev())) {
      create();
    }
  }

  /** Writes the management device's reference target into this component's configuration. */
  private void addTarget() {
    try {
      Configuration c = cm.getConfiguration(String.valueOf(pid), "?");
      Dictionary<String, Object> p = c.getProperties();
      if (p != null && p.get(KeptConfig.MGMTDEV_TARGET) == null) {
        p.put(KeptConfig.MGMTDEV_TARGET, "(" + VdpaMgmtDevice.PROP_HANDLE + "=" + kept.mgmtdev() + ")");
        c.update(p);
      }
    } catch (IOException e) {
      log(true, "kept device " + kept.config().name() + ": its configuration could not be given the management"
          + " device " + kept.mgmtdev() + " as target: " + e.getMessage());
    }
  }

  /**
   * Creates the device. A configuration its management device refuses (written by hand, or kept by
   * an older version that did not validate) is reported in one line and left alone: the component
   * stays active without a device, so that no stack trace is logged at every start.
   */
  private void create() {
    String name = kept.config().name();
    bus.presetDriverOverride(name, kept.driverOverride());
    if (mgmtdev.devices().contains(name)) {
      return; // already there (the store created it, or a restart of this component)
    }
    try {
      mgmtdev.validate(kept.config());
      mgmtdev.devAdd(kept.config());
    } catch (IllegalArgumentException refused) {
      log(true, "kept device " + name + " not created: management device " + kept.mgmtdev() + " refuses it: "
          + refused.getMessage() + " (vdpa:dev del " + name + " forgets it)");
      return;
    }
    log(false, "kept device " + name + " created on " + kept.mgmtdev());
  }

  /**
   * An override change applies in place; any other change creates the device again, but only once
   * the management device has accepted the new values: a refused change leaves the device running.
   */
  @Modified
  void modified(Map<String, Object> props) {
    KeptConfig next = KeptConfig.from(props);
    if (!mgmtdev.handle().equals(next.mgmtdev())) {
      kept = next;
      return; // bound to another management device: SCR rebinds once the target is in place
    }
    if (next.withOverride(null).equals(kept.withOverride(null))) {
      kept = next;
      bus.presetDriverOverride(next.config().name(), next.driverOverride());
      return;
    }
    try {
      mgmtdev.validate(next.config());
    } catch (IllegalArgumentException refused) {
      log(true, "kept device " + kept.config().name() + " unchanged: management device " + next.mgmtdev()
          + " refuses the new configuration: " + refused.getMessage());
      return;
    }
    delete();
    kept = next;
    create();
  }

  private void log(boolean warn, String line) {
    if (warn) {
      log.warn(line);
    } else {
      log.info(line);
    }
  }

  /** Deletes the device (configuration deleted, or the management device gone). */
  @Deactivate
  void delete() {
    if (!mgmtdev.handle().equals(kept.mgmtdev())) {
      return; // never created anything on this management device
    }
    String name = kept.config().name();
    bus.presetDriverOverride(name, null);
    try {
      if (mgmtdev.devices().contains(name)) {
        mgmtdev.devDel(name);
      }
    } catch (RuntimeException e) {
      // the management device is going away and takes its devices with it
    }
  }
}
