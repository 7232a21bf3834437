package net.vdpa.shell.karaf;

import net.vdpa.shell.NetCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code net:stats} in Karaf: counters of a network interface, total and per queue pair. The work
 * is {@link NetCommands#stats}'s.
 */
@Service
@Command(scope = "net", name = "stats", description = "Counters of a network interface, total and per queue pair.")
public final class NetStatsAction extends KarafAction {
  @Reference
  NetCommands commands;

  @Argument(index = 0, name = "name", description = "interface name, e.g. vnet0", required = true)
  @Completion(InterfaceNames.class)
  String name;

  @Override
  Object run() throws Exception {
    return commands.stats(name);
  }
}
