package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.DevlinkCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * {@code devlink:dev} in Karaf: devlink devices: show, eswitch show|set, param show|set. The work
 * is {@link DevlinkCommands#dev}'s.
 */
@Service
@Command(scope = "devlink", name = "dev", description = "devlink devices: show, eswitch show|set, param show|set.")
public final class DevlinkDevAction extends Iproute2Action {
  @Reference
  DevlinkCommands commands;

  @Argument(index = 0, name = "words", description =
      "show [DEV] | eswitch show DEV | eswitch set DEV mode legacy|switchdev | param "
          + "show DEV name sriov_numvfs | param set DEV name sriov_numvfs value N cmode "
          + "runtime", multiValued = true)
  @Completion(value = StringsCompleter.class, values = {
      "show", "eswitch", "param", "set", "mode", "legacy", "switchdev", "name", "sriov_numvfs", "value",
      "cmode", "runtime"})
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.dev(false, false, argv(words));
  }
}
