package net.vdpa.shell.karaf;

import net.vdpa.shell.PtCommands;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code pt:groups} in Karaf: list the iommu groups of the devices bound to vfio_vdpa: members,
 * viability, container. The work is {@link PtCommands#groups}'s.
 */
@Service
@Command(scope = "pt", name = "groups", description =
    "List the iommu groups of the devices bound to vfio_vdpa: members, viability, "
        + "container.")
public final class PtGroupsAction extends KarafAction {
  @Reference
  PtCommands commands;

  @Override
  Object run() throws Exception {
    return commands.groups();
  }
}
