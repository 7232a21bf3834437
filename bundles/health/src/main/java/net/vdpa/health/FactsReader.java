package net.vdpa.health;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Reads {@link HealthFacts} from the framework's own state: bundle states and start settings,
 * Declarative Services' DTOs, the registered management devices, the kept configurations and the
 * bus's DTOs. Nothing is guessed from a quiet moment.
 */
final class FactsReader {
  private static final String PROJECT = "net.vdpa.";

  private FactsReader() {}

  /**
   * Reads the facts now.
   *
   * @param bus the bus, or null if it is not running
   * @param cm ConfigAdmin, or null (then nothing is kept)
   */
  static HealthFacts read(BundleContext context, ServiceComponentRuntime scr, VdpaBus bus, ConfigurationAdmin cm) {
    List<String> notActive = new ArrayList<>();
    for (Bundle b : context.getBundles()) {
      if (toStart(b) && b.getState() != Bundle.ACTIVE) {
        notActive.add(b.getSymbolicName());
      }
    }
    return new HealthFacts(notActive, pending(context, scr), bus != null, bus == null ? List.of() : bus.devices(),
        kept(cm), mgmtdevs(context));
  }

  /**
   * The project's components not yet satisfied or active. Settled ones are left out: one that failed
   * to activate (it says why in the log; waiting changes nothing), and one that waits for a service
   * nothing in the framework offers, such as a kept device whose management device bundle is not
   * installed (it stays so until someone installs it).
   */
  private static List<String> pending(BundleContext context, ServiceComponentRuntime scr) {
    List<String> out = new ArrayList<>();
    for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(projectBundles(context))) {
      if (!scr.isComponentEnabled(d)) {
        continue;
      }
      for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
        boolean settled = c.state == ComponentConfigurationDTO.SATISFIED || c.state == ComponentConfigurationDTO.ACTIVE
            || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION
            || c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE && noTargets(c.unsatisfiedReferences);
        if (!settled) {
          out.add(d.name + " is " + state(c.state));
        }
      }
    }
    return out;
  }

  private static List<HealthFacts.Kept> kept(ConfigurationAdmin cm) {
    List<HealthFacts.Kept> out = new ArrayList<>();
    if (cm == null) {
      return out;
    }
    try {
      Configuration[] all = cm.listConfigurations("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + VdpaDeviceStore.FACTORY_PID + ")");
      for (Configuration c : all == null ? new Configuration[0] : all) {
        var p = c.getProperties();
        Object name = p == null ? null : p.get("name");
        Object mgmtdev = p == null ? null : p.get("mgmtdev");
        if (name != null && mgmtdev != null) {
          out.add(new HealthFacts.Kept(name.toString(), mgmtdev.toString()));
        }
      }
    } catch (IOException | InvalidSyntaxException e) {
      throw new IllegalStateException("the kept devices cannot be listed: " + e.getMessage(), e);
    }
    return out;
  }

  private static Set<String> mgmtdevs(BundleContext context) {
    Set<String> out = new HashSet<>();
    try {
      for (ServiceReference<VdpaMgmtDevice> r : context.getServiceReferences(VdpaMgmtDevice.class, null)) {
        Object h = r.getProperty(VdpaMgmtDevice.PROP_HANDLE);
        if (h != null) {
          out.add(h.toString());
        }
      }
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e); // no filter given: cannot happen
    }
    return out;
  }

  private static boolean noTargets(UnsatisfiedReferenceDTO[] refs) {
    for (UnsatisfiedReferenceDTO r : refs) {
      if (r.targetServices != null && r.targetServices.length > 0) {
        return false;
      }
    }
    return true;
  }

  private static Bundle[] projectBundles(BundleContext context) {
    List<Bundle> out = new ArrayList<>();
    for (Bundle b : context.getBundles()) {
      if (b.getSymbolicName() != null && b.getSymbolicName().startsWith(PROJECT)) {
        out.add(b);
      }
    }
    return out.toArray(new Bundle[0]);
  }

  private static boolean toStart(Bundle b) {
    if (b.getBundleId() == 0 || b.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
      return false;
    }
    BundleStartLevel sl = b.adapt(BundleStartLevel.class);
    return sl == null || sl.isPersistentlyStarted();
  }

  private static String state(int s) {
    return switch (s) {
      case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "waiting for its configuration";
      case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "waiting for a service";
      default -> "in state " + s;
    };
  }
}
