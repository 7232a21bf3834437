package net.vdpa.shell.karaf;

import net.vdpa.shell.BlkCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code blk:flush} in Karaf: make every completed write of a block device durable (a FLUSH on
 * each of its queues). The work is {@link BlkCommands#flush}'s.
 */
@Service
@Command(scope = "blk", name = "flush", description =
    "Make every completed write of a block device durable (a FLUSH on each of its "
        + "queues).")
public final class BlkFlushAction extends KarafAction {
  @Reference
  BlkCommands commands;

  @Argument(index = 0, name = "name", description = "block device name, e.g. vda", required = true)
  @Completion(BlockNames.class)
  String name;

  @Override
  Object run() throws Exception {
    return commands.flush(name);
  }
}
