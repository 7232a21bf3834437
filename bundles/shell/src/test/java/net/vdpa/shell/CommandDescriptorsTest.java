package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Gogo's {@code help} and completion read {@link Descriptor}s: every command function this bundle
 * registers (the {@code osgi.command.function} properties of its components, as bnd wrote them in
 * OSGI-INF) carries one, and so does each of its parameters but the injected session.
 */
class CommandDescriptorsTest {
  record Function(String scope, Class<?> type, String name) {}

  private static List<Function> functions() throws Exception {
    Path classes = Path.of(VdpaCommands.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Function> out = new ArrayList<>();
    try (Stream<Path> xml = Files.list(classes.resolve("OSGI-INF")).filter(p -> p.toString().endsWith(".xml"))) {
      for (Path p : xml.toList()) {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
        String scope = null;
        List<String> names = new ArrayList<>();
        NodeList props = d.getElementsByTagName("property");
        for (int i = 0; i < props.getLength(); i++) {
          Element e = (Element) props.item(i);
          if (e.getAttribute("name").equals("osgi.command.scope")) {
            scope = e.getAttribute("value");
          } else if (e.getAttribute("name").equals("osgi.command.function")) {
            String v = e.hasAttribute("value") ? e.getAttribute("value") : e.getTextContent();
            names.addAll(v.lines().map(String::strip).filter(s -> !s.isEmpty()).toList());
          }
        }
        String impl = ((Element) d.getElementsByTagName("implementation").item(0)).getAttribute("class");
        for (String n : names) {
          out.add(new Function(scope, Class.forName(impl), n));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("OSGI-INF not readable beside the classes", e);
    }
    return out;
  }

  @Test
  void everyCommandAndParameterIsDescribed() throws Exception {
    List<Function> all = functions();
    assertThat(all).extracting(Function::scope).contains("vdpa", "iproute2", "net", "devlink");
    assertThat(all).hasSizeGreaterThan(15);
    List<String> missing = new ArrayList<>();
    for (Function f : all) {
      List<Method> methods = Stream.of(f.type().getMethods())
          .filter(m -> m.getName().equals(f.name()) && Modifier.isPublic(m.getModifiers())).toList();
      if (methods.isEmpty()) {
        missing.add(f.scope() + ":" + f.name() + " has no public method");
      }
      for (Method m : methods) {
        if (m.getAnnotation(Descriptor.class) == null) {
          missing.add(f.scope() + ":" + f.name());
        }
        for (Parameter p : m.getParameters()) {
          if (p.getType() != CommandSession.class && p.getAnnotation(Descriptor.class) == null) {
            missing.add(f.scope() + ":" + f.name() + " parameter " + p.getName());
          }
        }
      }
    }
    assertThat(missing).isEmpty();
  }
}
