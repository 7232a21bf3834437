package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.EchoCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code net:ping} in Karaf: ping an IPv4 address from an interface (ARP, then ICMP echo). The
 * work is {@link EchoCommands#ping}'s.
 */
@Service
@Command(scope = "net", name = "ping", description = "Ping an IPv4 address from an interface (ARP, then ICMP echo).")
public final class NetPingAction extends KarafAction {
  @Reference
  EchoCommands commands;

  @Argument(index = 0, name = "words", description =
      "[count N] [size BYTES] [from ADDRESS] IF ADDRESS", multiValued = true)
  @Completion(InterfaceNames.class)
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.ping(words == null ? new String[0] : words.toArray(String[]::new));
  }
}
