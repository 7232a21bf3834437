package net.vdpa.shell.karaf;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/**
 * Completes a {@code vdpa:dev} line word by word ({@link DevWords}): the subcommand, then device,
 * management device or driver names where the grammar puts them.
 */
@Service
public final class VdpaDevWords implements Completer {
  @Reference
  BundleContext context;

  @Override
  public int complete(Session session, CommandLine line, List<String> candidates) {
    DevWords next = DevWords.next(Completers.wordsBefore(line));
    List<String> names = new ArrayList<>(next.words());
    switch (next.kind()) {
      case DEVICE -> names.addAll(Names.devices(context));
      case MGMTDEV -> names.addAll(Names.mgmtdevs(context));
      case DRIVER -> names.addAll(Names.drivers(context));
      case FIXED, NOTHING -> {
        // only the fixed words, if any
      }
    }
    return Completers.offer(session, line, candidates, names);
  }
}
