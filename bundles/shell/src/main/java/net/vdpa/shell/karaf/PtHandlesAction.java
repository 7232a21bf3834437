package net.vdpa.shell.karaf;

import net.vdpa.shell.PtCommands;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code pt:handles} in Karaf: list the devices bound to vfio_vdpa: group, owner, ignored and
 * refused register accesses. The work is {@link PtCommands#handles}'s.
 */
@Service
@Command(scope = "pt", name = "handles", description =
    "List the devices bound to vfio_vdpa: group, owner, ignored and refused register "
        + "accesses.")
public final class PtHandlesAction extends KarafAction {
  @Reference
  PtCommands commands;

  @Override
  Object run() throws Exception {
    return commands.handles();
  }
}
