package net.vdpa.shell.karaf;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/** Completes driver names (virtio_net, vhost_vdpa, ...), as the bus lists them. */
@Service
public final class DriverNames implements Completer {
  @Reference
  BundleContext context;

  @Override
  public int complete(Session session, CommandLine line, List<String> candidates) {
    return Completers.offer(session, line, candidates, Names.drivers(context));
  }
}
