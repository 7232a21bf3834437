package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outputs of Linux's tools recorded in a test resource, by section: a section starts with {@code
 * === NAME: COMMAND  (SOURCE)} and holds the output that follows, stripped of leading and trailing
 * blank lines; lines starting with {@code #} are comments (where the recording comes from).
 */
final class RecordedOutputs {
  private final String resource;
  private final Map<String, String> sections = new LinkedHashMap<>();

  RecordedOutputs(String resource) {
    this.resource = resource;
    String all;
    try (InputStream in = RecordedOutputs.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
    String name = null;
    StringBuilder body = new StringBuilder();
    for (String line : (all + "\n=== end:").split("\n")) {
      if (line.startsWith("=== ")) {
        if (name != null) {
          sections.put(name, body.toString().strip());
        }
        name = line.substring(4, line.indexOf(':'));
        body.setLength(0);
      } else if (name != null && !line.startsWith("#")) {
        body.append(line).append('\n');
      }
    }
  }

  /** The section's output; fails the test if the resource has no such section. */
  String get(String name) {
    assertThat(sections).as("sections of " + resource).containsKey(name);
    return sections.get(name);
  }

  /** The section names, in the resource's order. */
  Iterable<String> names() {
    return sections.keySet();
  }
}
