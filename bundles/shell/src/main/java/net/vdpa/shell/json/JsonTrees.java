package net.vdpa.shell.json;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Plain Java values as JSON-P values, so that a tool builds its data as maps and lists and lets the
 * library write the text: a {@link Map} becomes an object (in the map's iteration order, keys
 * through {@code String.valueOf}), a {@link Collection}, {@code Object[]} or {@code long[]} an array,
 * integral numbers JSON integers, other numbers JSON numbers (a NaN or infinite double, which JSON
 * cannot hold, {@code null}), an enum constant its {@code name()}, a string or any other object its
 * text. Stateless.
 */
public final class JsonTrees {
  private JsonTrees() {}

  /**
   * The value as a JSON-P value.
   *
   * @param provider the JSON-P implementation ({@link JsonProviders#find})
   * @param value the value, or null
   * @return the JSON-P value ({@link JsonValue#NULL} for null)
   */
  public static JsonValue of(JsonProvider provider, Object value) {
    if (value == null) {
      return JsonValue.NULL;
    } else if (value instanceof Map<?, ?> m) {
      JsonObjectBuilder o = provider.createObjectBuilder();
      m.forEach((k, e) -> o.add(String.valueOf(k), of(provider, e)));
      return o.build();
    } else if (value instanceof Collection<?> c) {
      JsonArrayBuilder a = provider.createArrayBuilder();
      c.forEach(e -> a.add(of(provider, e)));
      return a.build();
    } else if (value instanceof Object[] array) {
      return of(provider, Arrays.asList(array));
    } else if (value instanceof long[] array) {
      JsonArrayBuilder a = provider.createArrayBuilder();
      for (long x : array) {
        a.add(provider.createValue(x));
      }
      return a.build();
    } else if (value instanceof Boolean b) {
      return b ? JsonValue.TRUE : JsonValue.FALSE;
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return provider.createValue(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isNaN(d) || Double.isInfinite(d) ? JsonValue.NULL : provider.createValue(d);
    } else if (value instanceof Number n) {
      return provider.createValue(n);
    } else if (value instanceof Enum<?> e) {
      return provider.createValue(e.name());
    }
    return provider.createValue(value.toString());
  }
}
