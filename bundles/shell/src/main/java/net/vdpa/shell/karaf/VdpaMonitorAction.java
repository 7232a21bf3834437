package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.VdpaCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code vdpa:monitor} in Karaf: print bus events as they happen until interrupted (Ctrl-C). The
 * work is {@link VdpaCommands#monitor}'s.
 */
@Service
@Command(scope = "vdpa", name = "monitor", description = "Print bus events as they happen until interrupted (Ctrl-C).")
public final class VdpaMonitorAction extends KarafAction {
  @Reference
  VdpaCommands commands;

  @Argument(index = 0, name = "words", description = "[COUNT]: stop after COUNT events", multiValued = true)
  List<String> words;

  @Override
  Object run() throws Exception {
    commands.monitor(gogoSession(), words == null ? new String[0] : words.toArray(String[]::new));
    return null;
  }
}
