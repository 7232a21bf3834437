package net.vdpa.config;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDeviceStore;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The devices a fresh runtime starts with: the framework property {@code vdpa.default.devices}
 * lists {@code NAME@MGMTDEV} pairs (the runtime jar sets {@code vdpa0@vdpasim_net}). They are
 * written as kept-device configurations once, the first time the runtime starts with an empty
 * configuration store; deleting them later sticks. The marker (PID {@code net.vdpa.defaults}) says
 * the store was seeded; {@link KeptStoreCheck} writes a new one if the old cannot be read, so a
 * damaged marker does not bring a deleted default back.
 */
@Component
public final class DefaultDevices {
  /** Framework property listing the default devices. */
  public static final String PROPERTY = "vdpa.default.devices";
  /** Marks the configuration store as seeded. */
  static final String MARKER_PID = "net.vdpa.defaults";
  /** The marker's property: what was seeded. */
  static final String SEEDED = "seeded";

  /** Seeds the defaults if this is the first start. */
  @Activate
  public DefaultDevices(BundleContext context, @Reference ConfigurationAdmin cm) throws IOException {
    String spec = context.getProperty(PROPERTY);
    if (spec == null || spec.isBlank()) {
      return;
    }
    Configuration marker = cm.getConfiguration(MARKER_PID, "?");
    if (marker.getProperties() != null) {
      return;
    }
    for (String item : spec.split(",")) {
      String[] nm = item.trim().split("@");
      if (nm.length != 2) {
        continue;
      }
      Configuration c = cm.createFactoryConfiguration(VdpaDeviceStore.FACTORY_PID, "?");
      c.update(new KeptConfig(nm[1], DevConfig.named(nm[0]), null).toProperties());
    }
    Dictionary<String, Object> p = new Hashtable<>();
    p.put(SEEDED, spec);
    marker.update(p);
  }
}
