package net.vdpa.shell.json;

import jakarta.json.spi.JsonProvider;
import java.util.ServiceLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Finds the JSON-P implementation, for every bundle of the project that writes JSON (the shell, the
 * Web Console tab): one lookup, each bundle wired to its own implementation. On a plain class path {@link JsonProvider#provider()} finds it
 * with {@link ServiceLoader}; in a framework that lookup sees only the API bundle's class loader, so
 * a bundle that uses this class requires the {@code osgi.serviceloader} capability that Parsson (or
 * Johnzon) provides for {@code jakarta.json.spi.JsonProvider} in its bnd.bnd ({@code
 * Require-Capability: osgi.serviceloader;filter:="(osgi.serviceloader=jakarta.json.spi.JsonProvider)"}),
 * and passes one of its own classes as the anchor: the resolver wires that bundle to exactly one
 * implementation bundle, and the provider is loaded through that bundle's class loader. No
 * weaving (SPI Fly) is needed, on Felix, Equinox or Karaf.
 */
public final class JsonProviders {
  /** The namespace of the capability the implementation provides. */
  public static final String NAMESPACE = "osgi.serviceloader";

  private JsonProviders() {}

  /**
   * The provider wired to the bundle of {@code anchor}, or the class path's outside a framework.
   * Look it up once (a static final field) and keep it: the lookup walks the bundle's wiring.
   *
   * @throws IllegalStateException naming the missing capability if no implementation is wired
   */
  public static JsonProvider find(Class<?> anchor) {
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
