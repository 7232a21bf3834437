package net.vdpa.shell.karaf;

import net.vdpa.shell.NetCommands;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code net:show} in Karaf: list network interfaces. The work is {@link NetCommands#show}'s. */
@Service
@Command(scope = "net", name = "show", description = "List network interfaces.")
public final class NetShowAction extends KarafAction {
  @Reference
  NetCommands commands;

  @Override
  Object run() throws Exception {
    return commands.show();
  }
}
