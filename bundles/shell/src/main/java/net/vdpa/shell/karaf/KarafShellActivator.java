package net.vdpa.shell.karaf;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.namespace.PackageNamespace;

/**
 * Starts before Declarative Services registers the shell's components (an extender acts on a
 * bundle once it is active), so that in Karaf the {@link KarafShellHook} is in place before
 * Karaf's shell could see a Gogo function it would list beside the Karaf action adapting it.
 * Outside Karaf (the optional import of Karaf's shell API is not wired) it does nothing and loads
 * no Karaf class.
 */
public final class KarafShellActivator implements BundleActivator {
  /** The package whose wire says Karaf's shell is here, and which bundle runs it. */
  static final String KARAF_CONSOLE_API = "org.apache.karaf.shell.api.console";

  private ServiceRegistration<?> hook;

  @Override
  public void start(BundleContext context) {
    Bundle karafShell = karafShell(context.getBundle());
    if (karafShell != null) {
      hook = context.registerService(new String[] {FindHook.class.getName(), EventListenerHook.class.getName()},
          new KarafShellHook(context.getBundle(), karafShell), null);
    }
  }

  @Override
  public void stop(BundleContext context) {
    if (hook != null) {
      hook.unregister();
      hook = null;
    }
  }

  /** The bundle that exports Karaf's shell API to this one (Karaf's shell core), or null outside Karaf. */
  static Bundle karafShell(Bundle self) {
    BundleWiring wiring = self.adapt(BundleWiring.class);
    if (wiring == null) {
      return null;
    }
    for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
      if (KARAF_CONSOLE_API.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
        return w.getProvider().getBundle();
      }
    }
    return null;
  }
}
