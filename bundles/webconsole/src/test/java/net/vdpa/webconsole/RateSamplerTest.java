package net.vdpa.webconsole;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.vdpa.webconsole.ClassService.Counters;
import org.junit.jupiter.api.Test;

class RateSamplerTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void ratesAreDifferencesOverTime() {
    RateSampler s = new RateSampler();
    s.sample(Map.of("vdpa0", new Counters(100, 10_000)), 0);
    assertThat(s.rates()).isEmpty();
    s.sample(Map.of("vdpa0", new Counters(300, 30_000)), 2 * SECOND);
    assertThat(s.rates().get("vdpa0").pps()).containsExactly(100.0);
    assertThat(s.rates().get("vdpa0").bps()).containsExactly(10_000.0);
    assertThat(Json.write(s.ratesJson())).isEqualTo("{\"vdpa0\":{\"pps\":[100.0],\"bps\":[10000.0]}}");
  }

  @Test
  void historyKeepsTheLastSixtySamples() {
    RateSampler s = new RateSampler();
    for (int i = 0; i <= 70; i++) {
      s.sample(Map.of("d", new Counters(i * (long) i, 0)), i * SECOND);
    }
    assertThat(s.rates().get("d").pps()).hasSize(RateSampler.HISTORY).startsWith(21.0).endsWith(139.0);
  }

  @Test
  void aDeviceThatLeavesIsForgottenAndACounterGoingBackStartsOver() {
    RateSampler s = new RateSampler();
    s.sample(Map.of("a", new Counters(10, 10), "b", new Counters(5, 5)), 0);
    s.sample(Map.of("a", new Counters(20, 20), "b", new Counters(6, 6)), SECOND);
    s.sample(Map.of("a", new Counters(1, 1)), 2 * SECOND);
    assertThat(s.rates()).doesNotContainKey("b").doesNotContainKey("a");
    s.sample(Map.of("a", new Counters(3, 5)), 3 * SECOND);
    assertThat(s.rates().get("a").pps()).containsExactly(2.0);
  }
}
