package net.vdpa.shell.karaf;

import java.util.List;
import net.vdpa.shell.EchoCommands;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code net:echo} in Karaf: answer ARP and ping for an IPv4 address on an interface. The work is
 * {@link EchoCommands#echo}'s.
 */
@Service
@Command(scope = "net", name = "echo", description = "Answer ARP and ping for an IPv4 address on an interface.")
public final class NetEchoAction extends KarafAction {
  @Reference
  EchoCommands commands;

  @Argument(index = 0, name = "words", description = "start IF ADDRESS | stop IF | show", multiValued = true)
  @Completion(InterfaceNames.class)
  List<String> words;

  @Override
  Object run() throws Exception {
    return commands.echo(words == null ? new String[0] : words.toArray(String[]::new));
  }
}
