package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.VdpaCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * {@code vdpa:bus} in Karaf: the vDPA bus: each device's binding and why, and the bus's autoprobe.
 * The work is {@link VdpaCommands#bus}'s.
 */
@Service
@Command(scope = "vdpa", name = "bus", description =
    "The vDPA bus: each device's binding and why, and the bus's autoprobe.")
public final class VdpaBusAction extends Iproute2Action {
  @Reference
  VdpaCommands commands;

  @Argument(index = 0, name = "words", description = "show | autoprobe on|off", multiValued = true)
  @Completion(value = StringsCompleter.class, values = {"show", "autoprobe", "on", "off"})
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.bus(false, false, argv(words));
  }
}
