package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.VdpaCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vdpa:mgmtdev} in Karaf: show management devices. The work is {@link VdpaCommands#mgmtdev}'s. */
@Service
@Command(scope = "vdpa", name = "mgmtdev", description = "Show management devices.")
public final class VdpaMgmtdevAction extends Iproute2Action {
  @Reference
  VdpaCommands commands;

  @Argument(index = 0, name = "words", description = "show [MGMTDEV]", multiValued = true)
  @Completion(VdpaMgmtdevWords.class)
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.mgmtdev(false, false, argv(words));
  }
}
