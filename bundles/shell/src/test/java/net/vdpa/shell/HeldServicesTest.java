package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** A command's services are released when it ends, and not before: nothing is used after ungetService. */
class HeldServicesTest {
  private final List<String> journal = new ArrayList<>();

  private static ServiceReference<?> ref(String name) {
    return (ServiceReference<?>) Proxy.newProxyInstance(HeldServicesTest.class.getClassLoader(),
        new Class<?>[] {ServiceReference.class}, (p, m, a) -> m.getName().equals("toString") ? name : null);
  }

  private BundleContext context(List<ServiceReference<?>> refs) {
    return (BundleContext) Proxy.newProxyInstance(HeldServicesTest.class.getClassLoader(),
        new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
          case "getServiceReferences" -> {
            if ("(".equals(a[1])) {
              throw new InvalidSyntaxException("bad", "(");
            }
            yield refs;
          }
          case "getService" -> {
            journal.add("get " + a[0]);
            yield "service " + a[0];
          }
          case "ungetService" -> {
            journal.add("unget " + a[0]);
            yield true;
          }
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  @Test
  void servicesStayGotUntilTheCommandEndsThenEachIsReleasedOnce() {
    BundleContext context = context(List.of(ref("a"), ref("b")));
    try (HeldServices held = new HeldServices(context)) {
      assertThat(held.all(String.class, null)).containsExactly("service a", "service b");
      assertThat(journal).containsExactly("get a", "get b");
    }
    assertThat(journal).containsExactly("get a", "get b", "unget a", "unget b");
  }

  @Test
  void aBadFilterIsNamed() {
    try (HeldServices held = new HeldServices(context(List.of()))) {
      assertThatThrownBy(() -> held.all(String.class, "(")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("'(' is not a valid service filter");
    }
  }
}
