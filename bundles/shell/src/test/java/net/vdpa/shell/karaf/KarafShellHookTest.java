package net.vdpa.shell.karaf;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

class KarafShellHookTest {
  private final Bundle shell = bundle(1);
  private final Bundle karaf = bundle(2);
  private final Bundle other = bundle(3);
  private final KarafShellHook hook = new KarafShellHook(shell, karaf);

  private static Bundle bundle(long id) {
    return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
        (p, m, a) -> switch (m.getName()) {
          case "getBundleId" -> id;
          case "equals" -> p == a[0];
          case "hashCode" -> (int) id;
          default -> null;
        });
  }

  private static BundleContext context(Bundle of) {
    return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
        new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
          case "getBundle" -> of;
          case "equals" -> p == a[0];
          case "hashCode" -> System.identityHashCode(p);
          default -> null;
        });
  }

  private static ServiceReference<?> command(Bundle from, String scope) {
    return (ServiceReference<?>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(),
        new Class<?>[] {ServiceReference.class}, (p, m, a) -> switch (m.getName()) {
          case "getBundle" -> from;
          case "getProperty" -> "osgi.command.scope".equals(a[0]) ? scope : null;
          case "equals" -> p == a[0];
          case "hashCode" -> System.identityHashCode(p);
          default -> null;
        });
  }

  @Test
  void karafsShellDoesNotFindTheAdaptedScopesOfThisBundle() {
    ServiceReference<?> vdpa = command(shell, "vdpa");
    ServiceReference<?> ip = command(shell, "ip");
    ServiceReference<?> foreign = command(other, "vdpa");
    Collection<ServiceReference<?>> found = new ArrayList<>(List.of(vdpa, ip, foreign));
    hook.find(context(karaf), null, null, false, found);
    assertThat(found).containsExactly(ip, foreign);
  }

  @Test
  void everyOtherBundleFindsThemAll() {
    ServiceReference<?> vdpa = command(shell, "vdpa");
    Collection<ServiceReference<?>> found = new ArrayList<>(List.of(vdpa));
    hook.find(context(other), null, null, false, found);
    hook.find(context(shell), null, null, false, found);
    assertThat(found).containsExactly(vdpa);
  }

  @Test
  void karafsShellHearsNothingOfThem() {
    BundleContext karafContext = context(karaf);
    BundleContext otherContext = context(other);
    for (String scope : KarafShellHook.ADAPTED) {
      Map<BundleContext, Collection<ListenerInfo>> listeners = new HashMap<>();
      listeners.put(karafContext, new ArrayList<>());
      listeners.put(otherContext, new ArrayList<>());
      hook.event(new ServiceEvent(ServiceEvent.REGISTERED, command(shell, scope)), listeners);
      assertThat(listeners).as(scope).containsOnlyKeys(otherContext);
    }
    Map<BundleContext, Collection<ListenerInfo>> listeners = new HashMap<>();
    listeners.put(karafContext, new ArrayList<>());
    hook.event(new ServiceEvent(ServiceEvent.REGISTERED, command(shell, "vhost")), listeners);
    assertThat(listeners).containsOnlyKeys(karafContext);
  }
}
