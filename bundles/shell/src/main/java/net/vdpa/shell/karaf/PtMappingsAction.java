package net.vdpa.shell.karaf;

import net.vdpa.shell.PtCommands;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code pt:mappings} in Karaf: list the open iommu containers and their DMA mappings. The work is
 * {@link PtCommands#mappings}'s.
 */
@Service
@Command(scope = "pt", name = "mappings", description = "List the open iommu containers and their DMA mappings.")
public final class PtMappingsAction extends KarafAction {
  @Reference
  PtCommands commands;

  @Override
  Object run() throws Exception {
    return commands.mappings();
  }
}
