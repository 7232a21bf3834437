package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.BlkCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code blk:io} in Karaf: an fio-like load on a block device. The work is {@link BlkCommands#io}'s. */
@Service
@Command(scope = "blk", name = "io", description = "An fio-like load on a block device.")
public final class BlkIoAction extends KarafAction {
  @Reference
  BlkCommands commands;

  @Argument(index = 0, name = "words", description =
      "[rw read|write|randread|randwrite|randrw] [bs BYTES] [qd N] [runtime SECONDS] "
          + "NAME", multiValued = true)
  @Completion(BlockNames.class)
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.io(words == null ? new String[0] : words.toArray(String[]::new));
  }
}
