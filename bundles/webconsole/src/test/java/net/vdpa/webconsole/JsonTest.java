package net.vdpa.webconsole;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesNestedValuesInOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "a\"b\\c\n");
    m.put("n", 3);
    m.put("d", 1.25);
    m.put("nan", Double.NaN);
    m.put("b", true);
    m.put("null", null);
    m.put("l", List.of(1L, "x"));
    assertThat(Json.write(m)).isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\",\"n\":3,\"d\":1.25,\"nan\":null,\"b\":true,\"null\":null,\"l\":[1,\"x\"]}");
  }

  @Test
  void markupCannotEscapeFromTheText() {
    assertThat(Json.write("</script><b x='1'>&")).isEqualTo("\"\\u003c/script\\u003e\\u003cb x=\\u00271\\u0027\\u003e\\u0026\"");
  }

  @Test
  void enumsArraysAndLineSeparators() {
    assertThat(Json.write(List.of(java.time.DayOfWeek.MONDAY, new long[] {1, 2}, "a\u2028b")))
        .isEqualTo("[\"MONDAY\",[1,2],\"a\\u2028b\"]");
  }
}
