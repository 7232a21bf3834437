package net.vdpa.shell.karaf;

import net.vdpa.shell.PtCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code pt:open} in Karaf: open a device bound to vfio_vdpa with the poll-mode driver: map its
 * packet memory, bring it up. The work is {@link PtCommands#open}'s.
 */
@Service
@Command(scope = "pt", name = "open", description =
    "Open a device bound to vfio_vdpa with the poll-mode driver: map its packet "
        + "memory, bring it up.")
public final class PtOpenAction extends KarafAction {
  @Reference
  PtCommands commands;

  @Argument(index = 0, name = "name", description = "device name, e.g. vdpa0", required = true)
  @Completion(DeviceNames.class)
  String name;

  @Override
  Object run() throws Exception {
    return commands.open(name);
  }
}
