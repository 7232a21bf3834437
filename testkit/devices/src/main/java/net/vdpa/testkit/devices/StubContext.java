package net.vdpa.testkit.devices;

import java.lang.reflect.Proxy;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** A bundle context that accepts service registrations and keeps nothing: what a management device needs outside a framework. */
final class StubContext {
  private StubContext() {}

  static BundleContext create() {
    ClassLoader cl = StubContext.class.getClassLoader();
    ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(cl,
        new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
    return (BundleContext) Proxy.newProxyInstance(cl, new Class<?>[] {BundleContext.class},
        (p, m, a) -> m.getName().equals("registerService") ? reg : null);
  }
}
