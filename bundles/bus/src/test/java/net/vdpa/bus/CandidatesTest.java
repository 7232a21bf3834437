package net.vdpa.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CandidatesTest {
  private static Candidates.Scored s(String name, int score, int ranking, long id) {
    return new Candidates.Scored(new DriverEntry(null, name, ranking, id, 1), score, null);
  }

  private static List<String> names(List<Candidates.Scored> l) {
    return l.stream().map(x -> x.driver().name).toList();
  }

  @Test
  void scoreThenRankingThenLowerServiceId() {
    List<Candidates.Scored> all = List.of(s("a", 5, 0, 4), s("b", 9, 0, 5), s("c", 5, 2, 6), s("d", 5, 0, 3), s("zero", 0, 99, 1));
    assertThat(names(Candidates.rank(all, null))).containsExactly("b", "c", "d", "a");
  }

  @Test
  void overrideKeepsOnlyThatDriver() {
    List<Candidates.Scored> all = List.of(s("virtio_net", 10, 0, 1), s("vhost_vdpa", 1, 0, 2));
    assertThat(names(Candidates.rank(all, "vhost_vdpa"))).containsExactly("vhost_vdpa");
    assertThat(Candidates.rank(all, "vhost-vdpa")).isEmpty();
    assertThat(Candidates.whyNone(all, "vhost-vdpa")).isEqualTo("waiting for driver 'vhost-vdpa' (driver override; it is not loaded)");
  }

  @Test
  void whyNoneNamesMatchFailures() {
    List<Candidates.Scored> all = List.of(new Candidates.Scored(new DriverEntry(null, "x", 0, 1, 1), 0, "match threw NullPointerException"));
    assertThat(Candidates.whyNone(all, null)).isEqualTo("no driver matches; x: match threw NullPointerException");
    assertThat(Candidates.whyNone(List.of(), null)).isEqualTo("no driver on the bus");
  }

  @Test
  void autoprobeLeavesOnRequestDriversOutAndSaysSo() {
    List<Candidates.Scored> all = List.of(s("vhost_vdpa", 1, 0, 2), s("vfio_vdpa", 1, 5, 3), s("blk", 0, 0, 4));
    assertThat(Candidates.rank(all, null)).isEmpty();
    assertThat(Candidates.whyNone(all, null))
        .isEqualTo("no driver takes it by autoprobe (vhost_vdpa, vfio_vdpa on request only: bind or driver override)");
    assertThat(names(Candidates.rank(all, "vhost_vdpa"))).containsExactly("vhost_vdpa");
    assertThat(Candidates.rank(all, "blk")).isEmpty();
  }
}
