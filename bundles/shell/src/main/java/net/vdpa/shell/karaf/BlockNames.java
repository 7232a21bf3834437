package net.vdpa.shell.karaf;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/** Completes block device names (vda, ...), from the BlockDevice services. */
@Service
public final class BlockNames implements Completer {
  @Reference
  BundleContext context;

  @Override
  public int complete(Session session, CommandLine line, List<String> candidates) {
    return Completers.offer(session, line, candidates, Names.blockDevices(context));
  }
}
