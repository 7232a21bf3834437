package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

class BusMonitorTest {
  /** An imported facade's reference carrying these properties. */
  private static ServiceReference<?> ref(Map<String, Object> props) {
    return (ServiceReference<?>) Proxy.newProxyInstance(BusMonitorTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
        (p, m, a) -> "getProperty".equals(m.getName()) ? props.get((String) a[0]) : null);
  }

  @Test
  void aRuntimeIsNamedByItsHostAndEndpoint() {
    assertThat(BusMonitor.runtimeLine("DOWN", ref(Map.of("vdpa.host", "B", "endpoint.id", "tcp://127.0.0.1:9102"))))
        .isEqualTo("[runtime] DOWN B endpoint tcp://127.0.0.1:9102");
  }

  @Test
  void aStaticEndpointWithoutHostIsNamedByItsEndpoint() {
    assertThat(BusMonitor.runtimeLine("UP", ref(Map.of("endpoint.id", "tcp://10.0.0.2:9101"))))
        .isEqualTo("[runtime] UP tcp://10.0.0.2:9101");
  }
}
