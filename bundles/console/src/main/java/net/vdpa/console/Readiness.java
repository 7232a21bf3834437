package net.vdpa.console;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
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
import org.osgi.util.tracker.ServiceTracker;

/**
 * Whether the runtime is ready for a script, read from the framework's own state, not guessed
 * from a quiet moment. Ready means, all at once:
 *
 * <ol>
 *   <li>every bundle that is to be started (persistently started, not a fragment) is active;</li>
 *   <li>every component of a {@code net.vdpa} bundle is satisfied or active (Declarative
 *       Services' DTOs), except one that waits for a service nothing in the framework offers
 *       while every other component is up (a kept device whose management device bundle is not
 *       installed: it stays so until someone installs it), and one that failed to activate (it
 *       says why in the log; waiting would not change it);</li>
 *   <li>every kept device (ConfigAdmin factory PID {@code net.vdpa.device}) whose management
 *       device is registered is on the bus;</li>
 *   <li>no device on the bus is being probed or removed, or waits for its first match.</li>
 * </ol>
 *
 * {@link #check()} returns what is not ready yet, in one line, or empty when all is.
 */
final class Readiness implements AutoCloseable {
  private static final String PROJECT = "net.vdpa.";

  private final BundleContext context;
  private final ServiceTracker<ServiceComponentRuntime, ServiceComponentRuntime> scr;
  private final ServiceTracker<VdpaBus, VdpaBus> bus;
  private final ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> cm;

  Readiness(BundleContext context) {
    this.context = context;
    this.scr = open(new ServiceTracker<>(context, ServiceComponentRuntime.class, null));
    this.bus = open(new ServiceTracker<>(context, VdpaBus.class, null));
    this.cm = open(new ServiceTracker<>(context, ConfigurationAdmin.class, null));
  }

  private static <T> ServiceTracker<T, T> open(ServiceTracker<T, T> t) {
    t.open();
    return t;
  }

  @Override
  public void close() {
    scr.close();
    bus.close();
    cm.close();
  }

  /** What is not ready yet, or empty if the runtime is ready. */
  Optional<String> check() {
    for (Bundle b : context.getBundles()) {
      if (toStart(b) && b.getState() != Bundle.ACTIVE) {
        return Optional.of("bundle " + b.getSymbolicName() + " is not active");
      }
    }
    ServiceComponentRuntime scr = this.scr.getService();
    if (scr == null) {
      return Optional.of("Declarative Services is not running");
    }
    Optional<String> components = components(scr);
    if (components.isPresent()) {
      return components;
    }
    VdpaBus bus = this.bus.getService();
    if (bus == null) {
      return Optional.of("the vDPA bus is not running");
    }
    Optional<String> kept = keptDevices(bus);
    if (kept.isPresent()) {
      return kept;
    }
    for (DeviceDTO d : bus.devices()) {
      if (d.state.inTransition()) {
        return Optional.of("device " + d.name + " is " + d.state.name().toLowerCase(Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  private Optional<String> components(ServiceComponentRuntime scr) {
    Collection<ComponentDescriptionDTO> all = scr.getComponentDescriptionDTOs(projectBundles());
    for (ComponentDescriptionDTO d : all) {
      if (!scr.isComponentEnabled(d)) {
        continue;
      }
      for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
        if (c.state == ComponentConfigurationDTO.SATISFIED || c.state == ComponentConfigurationDTO.ACTIVE
            // settled: it failed, and says why in the log; nothing will change it without the user
            || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
          continue;
        }
        if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE && noTargets(c.unsatisfiedReferences)) {
          continue; // decided below: only if nothing else is pending
        }
        return Optional.of("component " + d.name + " is " + state(c.state));
      }
    }
    // every other component is up, so nothing that is coming will offer what the rest wait for
    return Optional.empty();
  }

  private Optional<String> keptDevices(VdpaBus bus) {
    ConfigurationAdmin cm = this.cm.getService();
    if (cm == null) {
      return Optional.empty(); // nothing is kept without ConfigAdmin
    }
    Set<String> mgmtdevs = new HashSet<>();
    try {
      for (ServiceReference<VdpaMgmtDevice> r : context.getServiceReferences(VdpaMgmtDevice.class, null)) {
        Object h = r.getProperty(VdpaMgmtDevice.PROP_HANDLE);
        if (h != null) {
          mgmtdevs.add(h.toString());
        }
      }
      Configuration[] kept = cm.listConfigurations("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + VdpaDeviceStore.FACTORY_PID + ")");
      for (Configuration c : kept == null ? new Configuration[0] : kept) {
        var p = c.getProperties();
        Object name = p == null ? null : p.get("name");
        Object mgmtdev = p == null ? null : p.get("mgmtdev");
        if (name != null && mgmtdev != null && mgmtdevs.contains(mgmtdev.toString()) && bus.device(name.toString()).isEmpty()) {
          return Optional.of("kept device " + name + " is not on the bus yet");
        }
      }
    } catch (java.io.IOException | InvalidSyntaxException e) {
      return Optional.of("the kept devices cannot be listed: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static boolean noTargets(UnsatisfiedReferenceDTO[] refs) {
    for (UnsatisfiedReferenceDTO r : refs) {
      if (r.targetServices != null && r.targetServices.length > 0) {
        return false;
      }
    }
    return true;
  }

  private Bundle[] projectBundles() {
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
      case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed to activate";
      default -> "in state " + s;
    };
  }
}
