package net.vdpa.health;

import java.util.List;
import java.util.Set;
import net.vdpa.api.dto.DeviceDTO;

/**
 * What the {@code vdpa} health check judges, read from the framework in one go ({@link FactsReader})
 * so that the judgement ({@link VdpaHealth}) is a pure function that tests build by hand.
 *
 * @param bundlesNotActive bundles that are to be started but are not active (symbolic names)
 * @param componentsPending the project's components that are still coming up, each as "NAME is STATE"
 * @param busRunning whether the bus service is registered
 * @param devices the bus's devices (empty without a bus)
 * @param kept the devices kept by the device store (ConfigAdmin)
 * @param mgmtdevs the handles of the management devices that are registered
 */
record HealthFacts(List<String> bundlesNotActive, List<String> componentsPending, boolean busRunning,
    List<DeviceDTO> devices, List<Kept> kept, Set<String> mgmtdevs) {
  HealthFacts {
    bundlesNotActive = List.copyOf(bundlesNotActive);
    componentsPending = List.copyOf(componentsPending);
    devices = List.copyOf(devices);
    kept = List.copyOf(kept);
    mgmtdevs = Set.copyOf(mgmtdevs);
  }

  /** A kept device: its name and the management device that creates it. */
  record Kept(String name, String mgmtdev) {}
}
