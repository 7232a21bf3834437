package net.vdpa.shell.karaf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.ArgumentCommandLine;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Helpers the completers share. */
final class Completers {
  private Completers() {}

  /** The words typed before the one being completed, without the command name and options. */
  static List<String> wordsBefore(CommandLine line) {
    String[] args = line.getArguments();
    List<String> out = new ArrayList<>();
    for (int i = 1; i < Math.min(line.getCursorArgumentIndex(), args.length); i++) {
      if (!args[i].startsWith("-")) {
        out.add(args[i]);
      }
    }
    return out;
  }

  /**
   * Offers those of {@code names} that start with what is typed. Before completing the word at the
   * cursor, Karaf asks the completer about each earlier word alone (an {@link ArgumentCommandLine})
   * and completes nothing if one gets no candidate; an earlier word ({@code bind} before a device,
   * a device before a driver) is the user's, already typed, so it is accepted as it is.
   */
  static int offer(Session session, CommandLine line, List<String> candidates, Collection<String> names) {
    if (line instanceof ArgumentCommandLine) {
      candidates.add(line.getCursorArgument());
      return 0;
    }
    return new StringsCompleter(names).complete(session, line, candidates);
  }
}
