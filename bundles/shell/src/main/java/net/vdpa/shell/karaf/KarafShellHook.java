package net.vdpa.shell.karaf;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

/**
 * Hides this bundle's Gogo functions of the scopes that have Karaf actions ({@link #ADAPTED}) from
 * Karaf's shell, and from nobody else. Karaf lists every {@code osgi.command.scope} service as a
 * command; beside the action of the same name that would make two {@code vdpa:dev}, and which one
 * runs would depend on the order they came in. The Gogo components stay registered, because the
 * actions call them: the parsing, validation and formatting live there once.
 */
final class KarafShellHook implements FindHook, EventListenerHook {
  /** The scopes whose every function has a Karaf action in this package. */
  static final Set<String> ADAPTED = Set.of("vdpa", "net", "blk", "pt", "devlink");

  private final Bundle self;
  private final Bundle karafShell;

  KarafShellHook(Bundle self, Bundle karafShell) {
    this.self = self;
    this.karafShell = karafShell;
  }

  @Override
  public void find(BundleContext context, String name, String filter, boolean allServices,
      Collection<ServiceReference<?>> references) {
    if (karafShell.equals(context.getBundle())) {
      references.removeIf(this::adapted);
    }
  }

  @Override
  public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
    if (adapted(event.getServiceReference())) {
      listeners.keySet().removeIf(c -> karafShell.equals(c.getBundle()));
    }
  }

  private boolean adapted(ServiceReference<?> ref) {
    return self.equals(ref.getBundle()) && ADAPTED.contains(String.valueOf(ref.getProperty("osgi.command.scope")));
  }
}
