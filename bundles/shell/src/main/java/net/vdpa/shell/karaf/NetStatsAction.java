package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.NetCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code net:stats [-j] [-p] IF} in Karaf: counters of a network interface, total and per queue pair,
 * as text or JSON like the Gogo command. The work is {@link NetCommands#stats}'s.
 */
@Service
@Command(scope = "net", name = "stats", description = "Counters of a network interface, total and per queue pair.")
public final class NetStatsAction extends Iproute2Action {
  @Reference
  NetCommands commands;

  @Argument(index = 0, name = "name", description = "interface name, e.g. vnet0", required = true)
  @Completion(InterfaceNames.class)
  String name;

  @Override
  Object run() throws Exception {
    return commands.stats(false, false, argv(List.of(name)));
  }
}
