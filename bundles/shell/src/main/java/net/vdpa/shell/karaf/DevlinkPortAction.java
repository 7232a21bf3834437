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
 * {@code devlink:port} in Karaf: devlink ports: show, add (subfunctions), del, function set. The
 * work is {@link DevlinkCommands#port}'s.
 */
@Service
@Command(scope = "devlink", name = "port", description = "devlink ports: show (-s: with counters), add (subfunctions), del, function set.")
public final class DevlinkPortAction extends Iproute2Action {
  @Reference
  DevlinkCommands commands;

  @org.apache.karaf.shell.api.action.Option(name = "-s", aliases = "--statistics",
      description = "with show: each port's counters and its representor's")
  boolean statistics;

  @Argument(index = 0, name = "words", description =
      "show [PORT] | add DEV flavour pcisf pfnum 0 sfnum N | del PORT | function set "
          + "PORT [hw_addr MAC] [state active|inactive]", multiValued = true)
  @Completion(value = StringsCompleter.class, values = {
      "show", "add", "del", "function", "set", "flavour", "pcisf", "pfnum", "sfnum", "hw_addr", "state",
      "active", "inactive"})
  List<String> words;

  @Override
  Object run() throws Exception {
    String[] argv = argv(words);
    if (statistics) {
      String[] with = new String[argv.length + 1];
      with[0] = "-s";
      System.arraycopy(argv, 0, with, 1, argv.length);
      argv = with;
    }
    return commands.port(false, false, false, argv);
  }
}
