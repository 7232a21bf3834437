package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A show that fails under -j: iproute2's closed empty section on stdout, the error as text (vdpa.c, devlink.c). */
class JsonSectionTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLookupFailureUnderJsonPrintsTheEmptySectionAndFails() {
    assertThatThrownBy(() -> JsonSection.show(new VdpaFormat.Style(true, false), "dev", () -> {
      throw new IllegalArgumentException("unknown device 'nope'");
    }, out)).hasMessage("unknown device 'nope'");
    assertThat(printed()).isEqualTo("{\"dev\":{}}" + System.lineSeparator());
  }

  @Test
  void prettyEmptySectionIsIproute2s() {
    assertThatThrownBy(() -> JsonSection.show(new VdpaFormat.Style(true, true), "vstats", () -> {
      throw new IllegalArgumentException("qidx 9 is out of range");
    }, out)).isInstanceOf(IllegalArgumentException.class);
    assertThat(printed()).isEqualTo("{\n    \"vstats\": {}\n}" + System.lineSeparator());
  }

  @Test
  void textOutputAndAMissingBusPrintNoJson() {
    assertThatThrownBy(() -> JsonSection.show(VdpaFormat.Style.TEXT, "dev", () -> {
      throw new IllegalArgumentException("unknown device 'nope'");
    }, out)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonSection.show(new VdpaFormat.Style(true, false), "dev", () -> {
      throw new IllegalStateException("the vDPA bus is not running");
    }, out)).isInstanceOf(IllegalStateException.class);
    assertThat(printed()).isEmpty();
  }

  @Test
  void successPrintsNothingBesideTheResult() {
    assertThat(JsonSection.show(new VdpaFormat.Style(true, false), "dev", () -> "{\"dev\":{}}", out)).isEqualTo("{\"dev\":{}}");
    assertThat(printed()).isEmpty();
  }
}
