package net.vdpa.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

class ScriptRunnerTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> executed = new ArrayList<>();

  @Test
  void echoPrintsEachCommandBeforeItsOutputAsTheShellShowsIt() {
    int rc = runner(true).run("s.gosh", List.of(new ScriptSource.Command(1, "vdpa:dev show"), new ScriptSource.Command(2, "fail now")));
    assertThat(rc).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly("g! vdpa:dev show", "result of vdpa:dev show", "g! fail now");
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly("s.gosh:2: fail now: no such thing");
  }

  @Test
  void withoutEchoOnlyResultsArePrinted() {
    int rc = runner(false).run("s.gosh", List.of(new ScriptSource.Command(1, "a"), new ScriptSource.Command(2, "b")));
    assertThat(rc).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly("result of a", "result of b");
    assertThat(executed).containsExactly("a", "b");
  }

  @Test
  void theBundleConverterTakesIdsAndSymbolicNamesAndNothingElse() {
    Bundle b = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
        (p, m, a) -> m.getName().equals("getSymbolicName") ? "net.vdpa.driver.vhost" : null);
    BundleContext ctx = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
        (p, m, a) -> switch (m.getName()) {
          case "getBundle" -> a != null && a.length == 1 && a[0].equals(19L) ? b : null;
          case "getBundles" -> new Bundle[] {b};
          default -> throw new UnsupportedOperationException(m.getName());
        });
    BundleConverter c = new BundleConverter(ctx);
    assertThat(c.convert(Bundle.class, "19")).isSameAs(b);
    assertThat(c.convert(Bundle.class, 19L)).isSameAs(b);
    assertThat(c.convert(Bundle.class, "net.vdpa.driver.vhost")).isSameAs(b);
    assertThat(c.convert(Bundle.class, "nosuch")).isNull();
    assertThat(c.convert(String.class, "19")).isNull();
  }

  private ScriptRunner runner(boolean echo) {
    CommandSession session = (CommandSession) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CommandSession.class},
        (p, m, a) -> switch (m.getName()) {
          case "execute" -> {
            String cmd = a[0].toString();
            executed.add(cmd);
            if (cmd.startsWith("fail")) {
              throw new IllegalArgumentException("no such thing");
            }
            yield "result of " + cmd;
          }
          case "format" -> a[0].toString();
          case "close" -> null;
          default -> throw new UnsupportedOperationException(m.getName());
        });
    CommandProcessor processor = (CommandProcessor) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CommandProcessor.class},
        (p, m, a) -> session);
    return new ScriptRunner(processor, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false, echo);
  }
}
