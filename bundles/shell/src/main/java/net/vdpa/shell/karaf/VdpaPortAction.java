package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.PortCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code vdpa:port} in Karaf: devices' ports, kept across restarts: show, stats, loopback, cable,
 * capture, link. The work is {@link PortCommands#port}'s.
 */
@Service
@Command(scope = "vdpa", name = "port", description =
    "Devices' ports, kept across restarts: show, stats, loopback, cable, capture, "
        + "link.")
public final class VdpaPortAction extends Iproute2Action {
  @Reference
  PortCommands commands;

  @Argument(index = 0, name = "words", description =
      "show [PORT] | stats [PORT] | loopback PORT | cable PORT PEER | capture PORT FILE "
          + "| link PORT up|down", multiValued = true)
  @Completion(DeviceNames.class)
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.port(false, false, argv(words));
  }
}
