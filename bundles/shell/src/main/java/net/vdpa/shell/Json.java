package net.vdpa.shell;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringWriter;
import net.vdpa.shell.json.JsonProviders;
import net.vdpa.shell.json.JsonTrees;
import java.util.Map;

/**
 * The shell's JSON, through JSON-P: values become a {@link JsonValue} tree (objects keep insertion
 * order), the library writes compact text and escapes every string. {@code pretty} is iproute2's
 * {@code -jp} layout, which no JSON library has (lib/json_writer.c): four spaces per level, one
 * object member per line as {@code "key": value}, arrays on one line as {@code [ a,b ]} (empty:
 * {@code [ ]}), empty objects as {@code {}}. Only that whitespace is laid out here; every scalar
 * and key is the library's text.
 */
final class Json {
  /** Immutable: the implementation wired to this bundle, found once. */
  private static final JsonProvider PROVIDER = JsonProviders.find(Json.class);
  private static final String INDENT = "    ";

  private Json() {}

  /**
   * Writes a value as {@link JsonTrees} reads it: Map (object), List (array), String, Number, Boolean
   * or null; anything else as its {@code toString()}.
   *
   * @param value the value
   * @param pretty iproute2's {@code -p} layout or compact
   * @return the JSON text
   */
  static String write(Object value, boolean pretty) {
    JsonValue v = toJson(value);
    if (!pretty) {
      StringWriter out = new StringWriter();
      PROVIDER.createWriter(out).write(v);
      return out.toString();
    }
    StringBuilder s = new StringBuilder();
    layout(s, v, 0);
    return s.toString();
  }

  private static JsonValue toJson(Object v) {
    return JsonTrees.of(PROVIDER, v);
  }

  /** iproute2's pretty layout at nesting {@code depth}; scalars are written by the library. */
  private static void layout(StringBuilder s, JsonValue v, int depth) {
    switch (v.getValueType()) {
      case OBJECT -> {
        JsonObject o = v.asJsonObject();
        s.append('{');
        int i = 0;
        for (Map.Entry<String, JsonValue> e : o.entrySet()) {
          s.append(i++ == 0 ? "" : ",").append('\n').append(INDENT.repeat(depth + 1));
          s.append(PROVIDER.createValue(e.getKey())).append(": ");
          layout(s, e.getValue(), depth + 1);
        }
        if (i > 0) {
          s.append('\n').append(INDENT.repeat(depth));
        }
        s.append('}');
      }
      case ARRAY -> {
        JsonArray a = v.asJsonArray();
        s.append("[ ");
        for (int i = 0; i < a.size(); i++) {
          s.append(i == 0 ? "" : ",");
          layout(s, a.get(i), depth + 1);
        }
        s.append(a.isEmpty() ? "]" : " ]");
      }
      default -> s.append(v);
    }
  }
}
