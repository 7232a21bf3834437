package net.vdpa.shell;

import jakarta.json.spi.JsonProvider;
import java.util.ServiceLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Finds the JSON-P implementation. On a plain class path {@link JsonProvider#provider()} finds it
 * with {@link ServiceLoader}; in a framework that lookup sees only the API bundle's class loader, so
 * this bundle requires the {@code osgi.serviceloader} capability that Parsson (or Johnzon) provides
 * for {@code jakarta.json.spi.JsonProvider} (see bnd.bnd): the resolver wires it to exactly one
 * implementation bundle, and the provider is loaded through that bundle's class loader. No
 * weaving (SPI Fly) is needed, on Felix, Equinox or Karaf.
 */
final class JsonProviders {
  static final String NAMESPACE = "osgi.serviceloader";

  private JsonProviders() {}

  /**
   * The provider wired to the bundle of {@code anchor}, or the class path's outside a framework.
   *
   * @throws IllegalStateException naming the missing capability if no implementation is wired
   */
  static JsonProvider find(Class<?> anchor) {
    Bundle bundle = FrameworkUtil.getBundle(anchor);
    if (bundle == null) {
      return JsonProvider.provider();
    }
    BundleWiring wiring = bundle.adapt(BundleWiring.class);
    for (BundleWire w : wiring.getRequiredWires(NAMESPACE)) {
      ClassLoader loader = w.getProviderWiring().getClassLoader();
      for (JsonProvider p : ServiceLoader.load(JsonProvider.class, loader)) {
        return p;
      }
    }
    throw new IllegalStateException("no JSON-P implementation is wired to " + bundle.getSymbolicName()
        + " (install Eclipse Parsson: it provides osgi.serviceloader=" + JsonProvider.class.getName() + ")");
  }
}
