package net.vdpa.shell.karaf;

import net.vdpa.shell.PtCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code pt:stats} in Karaf: counters of a device's poll-mode port. The work is {@link PtCommands#stats}'s. */
@Service
@Command(scope = "pt", name = "stats", description = "Counters of a device's poll-mode port.")
public final class PtStatsAction extends KarafAction {
  @Reference
  PtCommands commands;

  @Argument(index = 0, name = "name", description = "device name, e.g. vdpa0", required = true)
  @Completion(DeviceNames.class)
  String name;

  @Override
  Object run() throws Exception {
    return commands.stats(name);
  }
}
