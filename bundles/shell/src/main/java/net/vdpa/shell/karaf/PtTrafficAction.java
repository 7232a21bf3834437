package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.PtCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code pt:traffic} in Karaf: send numbered frames through poll-mode ports and check each that
 * comes back. The work is {@link PtCommands#traffic}'s.
 */
@Service
@Command(scope = "pt", name = "traffic", description =
    "Send numbered frames through poll-mode ports and check each that comes back.")
public final class PtTrafficAction extends KarafAction {
  @Reference
  PtCommands commands;

  @Argument(index = 0, name = "words", description =
      "[count N] [size BYTES] [burst FRAMES] FROM [TO]", multiValued = true)
  @Completion(DeviceNames.class)
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.traffic(gogoSession(), words == null ? new String[0] : words.toArray(String[]::new));
  }
}
