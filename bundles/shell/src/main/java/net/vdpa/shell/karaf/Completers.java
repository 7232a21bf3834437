package net.vdpa.shell.karaf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Session;
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

  /** Offers those of {@code names} that start with what is typed. */
  static int offer(Session session, CommandLine line, List<String> candidates, Collection<String> names) {
    return new StringsCompleter(names).complete(session, line, candidates);
  }
}
