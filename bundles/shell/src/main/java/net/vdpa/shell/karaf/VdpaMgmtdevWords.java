package net.vdpa.shell.karaf;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/** Completes {@code vdpa:mgmtdev show MGMTDEV}: {@code show}, then a management device handle. */
@Service
public final class VdpaMgmtdevWords implements Completer {
  @Reference
  BundleContext context;

  @Override
  public int complete(Session session, CommandLine line, List<String> candidates) {
    List<String> before = Completers.wordsBefore(line);
    if (before.isEmpty()) {
      return Completers.offer(session, line, candidates, List.of("show"));
    }
    return Completers.offer(session, line, candidates, before.size() == 1 ? Names.mgmtdevs(context) : List.of());
  }
}
