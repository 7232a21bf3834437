package net.vdpa.shell.karaf;

import net.vdpa.shell.BlkCommands;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code blk:show} in Karaf: list block devices: size, block size, queues, counters. The work is
 * {@link BlkCommands#show}'s.
 */
@Service
@Command(scope = "blk", name = "show", description = "List block devices: size, block size, queues, counters.")
public final class BlkShowAction extends KarafAction {
  @Reference
  BlkCommands commands;

  @Override
  Object run() throws Exception {
    return commands.show();
  }
}
