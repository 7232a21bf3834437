package net.vdpa.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogService;

class FrameworkLogTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final FrameworkLog log = new FrameworkLog(new PrintStream(err, true, StandardCharsets.UTF_8));
  private final List<String> logged = new ArrayList<>();
  private int ungets;

  /** A running framework's context; with or without a Log Service registered. */
  private BundleContext context(boolean withLogService) {
    ServiceReference<?> ref = (ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ServiceReference.class}, (p, m, a) -> null);
    LogService service = (LogService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {LogService.class},
        (p, m, a) -> {
          if (m.getName().equals("log") && a.length == 3) {
            logged.add(a[0] + " " + a[1] + " " + a[2]);
          }
          return null;
        });
    return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
        (p, m, a) -> switch (m.getName()) {
          case "getServiceReference" -> withLogService && LogService.class.getName().equals(a[0]) ? ref : null;
          case "getService" -> service;
          case "ungetService" -> {
            ungets++;
            yield true;
          }
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  @Test
  void beforeTheFrameworkRunsEntriesGoToStandardErrorOnOneLine() {
    log.log(1, "Bundle x [55] EventDispatcher: Error during dispatch.", new NullPointerException("content"));
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("ERROR: Bundle x [55] EventDispatcher: Error during dispatch. (java.lang.NullPointerException: content)\n");
  }

  @Test
  void whileItRunsEntriesGoToTheLogServiceAndNotToTheConsole() {
    log.attach(context(true));
    NullPointerException npe = new NullPointerException("content");
    log.log(1, "Error during dispatch.", npe);
    log.log(2, "a warning", null);
    assertThat(logged).containsExactly("1 Error during dispatch. " + npe, "2 a warning null");
    assertThat(ungets).isEqualTo(2);
    assertThat(err.size()).isZero();
  }

  @Test
  void withoutALogServiceOrAfterTheFrameworkStoppedEntriesGoToStandardError() {
    log.attach(context(false));
    log.log(2, "no log service yet", null);
    log.attach(context(true));
    log.detach();
    log.log(1, "stopped", null);
    assertThat(logged).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("WARNING: no log service yet\nERROR: stopped\n");
  }

  /** An exception as if thrown at the top of {@code className.method}. */
  private static <T extends Throwable> T thrownIn(T error, String className, String method) {
    error.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, method, "X.java", 1),
        new StackTraceElement("org.apache.felix.framework.EventDispatcher", "invokeServiceListenerCallback", "E.java", 2)});
    return error;
  }

  @Test
  void felixLogsKnownListenerFaultStaysOffTheConsoleAtDebugLevel() {
    NullPointerException race = thrownIn(new NullPointerException("getBundle() is null"), "org.apache.felix.log.Log", "serviceChanged");
    String message = "Bundle org.apache.felix.log [4] EventDispatcher: Error during dispatch.";
    log.log(1, message, race);
    assertThat(err.size()).isZero();
    log.attach(context(true));
    log.log(1, message, race);
    assertThat(logged).containsExactly("4 " + message + " " + race);
    assertThat(err.size()).isZero();
  }

  @Test
  void otherFaultsOfListenersStillReachTheConsoleWithoutALogService() {
    log.log(1, "a", thrownIn(new NullPointerException("x"), "net.vdpa.bus.BusComponent", "serviceChanged"));
    log.log(1, "b", thrownIn(new IllegalStateException("y"), "org.apache.felix.log.Log", "serviceChanged"));
    log.log(1, "c", thrownIn(new NullPointerException("z"), "org.apache.felix.log.Log", "bundleChanged"));
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("ERROR: a (java.lang.NullPointerException: x)\n"
        + "ERROR: b (java.lang.IllegalStateException: y)\nERROR: c (java.lang.NullPointerException: z)\n");
  }
}
