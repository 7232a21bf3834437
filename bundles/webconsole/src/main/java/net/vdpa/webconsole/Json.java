package net.vdpa.webconsole;

import jakarta.json.spi.JsonProvider;
import java.io.StringWriter;
import net.vdpa.shell.json.JsonProviders;
import net.vdpa.shell.json.JsonTrees;

/**
 * The page's data as JSON text, through JSON-P (the implementation the runtime wires to this
 * bundle, found as the shell finds its own: {@link JsonProviders}): objects are {@code Map}s in
 * their iteration order, arrays collections or arrays, leaves strings, numbers, booleans, enums and
 * null ({@link JsonTrees}). The text is also safe inside an HTML attribute or a {@code <script>}
 * block: {@code <}, {@code >}, {@code &}, {@code '} and the line separators U+2028 and U+2029 can only occur inside JSON strings, where
 * they are written as {@code \\u} escapes.
 */
final class Json {
  /** Immutable: the implementation wired to this bundle, found once. */
  private static final JsonProvider PROVIDER = JsonProviders.find(Json.class);

  private Json() {}

  /** The value as JSON text. */
  static String write(Object value) {
    StringWriter out = new StringWriter();
    PROVIDER.createWriter(out).write(JsonTrees.of(PROVIDER, value));
    return htmlSafe(out.toString());
  }

  /** Escapes the characters markup gives a meaning to; outside strings JSON has none of them. */
  private static String htmlSafe(String json) {
    StringBuilder b = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      String esc = switch (c) {
        case '<' -> "\\u003c";
        case '>' -> "\\u003e";
        case '&' -> "\\u0026";
        case '\'' -> "\\u0027";
        case '\u2028' -> "\\u2028"; // line separators end a line in a script
        case '\u2029' -> "\\u2029";
        default -> null;
      };
      if (esc != null && b == null) {
        b = new StringBuilder(json.length() + 16).append(json, 0, i);
      }
      if (b != null) {
        if (esc != null) {
          b.append(esc);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? json : b.toString();
  }
}
