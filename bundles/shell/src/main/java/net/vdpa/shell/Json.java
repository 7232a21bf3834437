package net.vdpa.shell;

import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for the shell's output: objects keep insertion order, strings are escaped,
 * and {@code pretty} indents like {@code vdpa -jp} (two spaces, one member per line).
 */
final class Json {
  private Json() {}

  /**
   * Writes a value: Map (object), List (array), String, Number, Boolean or null.
   *
   * @param value the value
   * @param pretty indent or not
   * @return the JSON text
   */
  static String write(Object value, boolean pretty) {
    StringBuilder s = new StringBuilder();
    write(s, value, pretty, 0);
    return s.toString();
  }

  private static void write(StringBuilder s, Object v, boolean pretty, int depth) {
    if (v == null) {
      s.append("null");
    } else if (v instanceof String str) {
      string(s, str);
    } else if (v instanceof Number || v instanceof Boolean) {
      s.append(v);
    } else if (v instanceof Map<?, ?> m) {
      s.append('{');
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        s.append(i++ == 0 ? "" : ",");
        newline(s, pretty, depth + 1);
        string(s, String.valueOf(e.getKey()));
        s.append(pretty ? ": " : ":");
        write(s, e.getValue(), pretty, depth + 1);
      }
      if (i > 0) {
        newline(s, pretty, depth);
      }
      s.append('}');
    } else if (v instanceof List<?> l) {
      s.append('[');
      for (int i = 0; i < l.size(); i++) {
        s.append(i == 0 ? "" : pretty ? ", " : ",");
        write(s, l.get(i), pretty, depth + 1);
      }
      s.append(']');
    } else {
      string(s, v.toString());
    }
  }

  private static void newline(StringBuilder s, boolean pretty, int depth) {
    if (pretty) {
      s.append('\n');
      s.append("  ".repeat(depth));
    }
  }

  private static void string(StringBuilder s, String str) {
    s.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    s.append('"');
  }
}
