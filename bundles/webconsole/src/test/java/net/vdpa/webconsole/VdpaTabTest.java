package net.vdpa.webconsole;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

class VdpaTabTest {
  /** A proxy answering the named methods, and nothing else. */
  @SuppressWarnings("unchecked")
  private static <T> T stub(Class<T> type, Map<String, Object> answers) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
      if (!answers.containsKey(m.getName())) {
        throw new UnsupportedOperationException(m.getName());
      }
      return answers.get(m.getName());
    });
  }

  /** A bundle context whose bundle is wired to these packages. */
  private static BundleContext wiredTo(String... packages) {
    List<BundleWire> wires = new ArrayList<>();
    for (String p : packages) {
      BundleCapability cap = stub(BundleCapability.class, Map.of("getAttributes", Map.of(PackageNamespace.PACKAGE_NAMESPACE, p)));
      wires.add(stub(BundleWire.class, Map.of("getCapability", cap)));
    }
    BundleWiring wiring = stub(BundleWiring.class, Map.of("getRequiredWires", wires));
    Bundle bundle = stub(Bundle.class, Map.of("adapt", wiring));
    return stub(BundleContext.class, Map.of("getBundle", bundle));
  }

  @Test
  void theTabUsesJakartaWhereBothServletApisAreWired() {
    assertThat(VdpaTab.wiredApi(wiredTo("net.vdpa.api", "javax.servlet.http", "jakarta.servlet.http")))
        .contains(VdpaTab.ServletApi.JAKARTA);
  }

  @Test
  void theTabUsesJavaxWhereOnlyItIsWiredAsInKaraf44() {
    assertThat(VdpaTab.wiredApi(wiredTo("net.vdpa.api", "javax.servlet.http"))).contains(VdpaTab.ServletApi.JAVAX);
  }

  @Test
  void withoutAServletApiThereIsNoTab() {
    assertThat(VdpaTab.wiredApi(wiredTo("net.vdpa.api"))).isEqualTo(Optional.empty());
  }
}
