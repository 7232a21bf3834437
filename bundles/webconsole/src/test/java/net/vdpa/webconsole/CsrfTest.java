package net.vdpa.webconsole;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsrfTest {
  @Test
  void onlyTheSessionsOwnTokenMatches() {
    Csrf csrf = new Csrf();
    String t = csrf.newToken();
    assertThat(t).hasSize(43).isNotEqualTo(csrf.newToken());
    assertThat(Csrf.matches(t, t)).isTrue();
    assertThat(Csrf.matches(t, null)).isFalse();
    assertThat(Csrf.matches(t, "")).isFalse();
    assertThat(Csrf.matches(t, t.substring(1))).isFalse();
    assertThat(Csrf.matches(null, t)).isFalse();
  }

  @Test
  void attributeValuesAreEscaped() {
    assertThat(PluginCore.attr("a\"<b>&'")).isEqualTo("\"a&quot;&lt;b&gt;&amp;&#39;\"");
  }
}
