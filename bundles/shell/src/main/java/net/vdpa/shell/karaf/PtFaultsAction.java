package net.vdpa.shell.karaf;

import net.vdpa.shell.PtCommands;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code pt:faults} in Karaf: list the iommu faults recorded (device accesses outside the
 * container's mappings). The work is {@link PtCommands#faults}'s.
 */
@Service
@Command(scope = "pt", name = "faults", description =
    "List the iommu faults recorded (device accesses outside the container's "
        + "mappings).")
public final class PtFaultsAction extends KarafAction {
  @Reference
  PtCommands commands;

  @Override
  Object run() throws Exception {
    return commands.faults();
  }
}
