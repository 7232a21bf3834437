package net.vdpa.shell.karaf;

import net.vdpa.shell.PtCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code pt:close} in Karaf: close the poll-mode port of a device: reset it, unmap, release the
 * handle. The work is {@link PtCommands#close}'s.
 */
@Service
@Command(scope = "pt", name = "close", description =
    "Close the poll-mode port of a device: reset it, unmap, release the handle.")
public final class PtCloseAction extends KarafAction {
  @Reference
  PtCommands commands;

  @Argument(index = 0, name = "name", description = "device name, e.g. vdpa0", required = true)
  @Completion(DeviceNames.class)
  String name;

  @Override
  Object run() throws Exception {
    return commands.close(name);
  }
}
