package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.VdpaCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code vdpa:dev} in Karaf: vDPA devices: show, add, del, config show, vstats show, set; the
 * bus's bind, unbind, override and autoprobe. The work is {@link VdpaCommands#dev}'s.
 */
@Service
@Command(scope = "vdpa", name = "dev", description =
    "vDPA devices: show, add, del, config show, vstats show, set; the bus's bind, "
        + "unbind, override and autoprobe.")
public final class VdpaDevAction extends Iproute2Action {
  @Reference
  VdpaCommands commands;

  @Argument(index = 0, name = "words", description =
      "show [DEV] | add name NAME mgmtdev MGMTDEV [device_features HEX] [mac MAC] [mtu "
          + "MTU] [max_vqp N] [capacity SIZE] [file PATH] [ro] | del DEV | config show [DEV] "
          + "| vstats show DEV qidx N | set name NAME mac MAC | bind DEV DRIVER | unbind DEV "
          + "| override DEV DRIVER|none | autoprobe DEV on|off", multiValued = true)
  @Completion(VdpaDevWords.class)
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.dev(false, false, argv(words));
  }
}
