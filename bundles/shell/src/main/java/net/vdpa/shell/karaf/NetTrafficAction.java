package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.NetCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code net:traffic} in Karaf: send frames from one interface to another (or itself) on queue
 * pair 0 and report counts and rate. The work is {@link NetCommands#traffic}'s.
 */
@Service
@Command(scope = "net", name = "traffic", description =
    "Send frames from one interface to another (or itself) on queue pair 0 and report "
        + "counts and rate.")
public final class NetTrafficAction extends KarafAction {
  @Reference
  NetCommands commands;

  @Argument(index = 0, name = "words", description =
      "[count N] [size BYTES] [burst FRAMES] FROM [TO]", multiValued = true)
  @Completion(InterfaceNames.class)
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.traffic(gogoSession(), words == null ? new String[0] : words.toArray(String[]::new));
  }
}
