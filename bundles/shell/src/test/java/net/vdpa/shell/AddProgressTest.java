package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A dev add that waits says so; a quick one prints nothing. */
class AddProgressTest {
  private final List<String> printed = new CopyOnWriteArrayList<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AddProgress progress = new AddProgress("slow", printed::add, () -> stopped.set(true));

  @Test
  void aQuickAddPrintsNoProgress() {
    progress.event("[device] ADDED slow");
    progress.event("[device] BOUND slow driver virtio_net");
    progress.close();
    progress.tick(1000); // a tick racing with the end of the add
    assertThat(printed).isEmpty();
    assertThat(stopped).isTrue();
  }

  @Test
  void aSlowAddShowsWhatHappenedSoFarThenEachEventAndHowLongItWaits() {
    progress.event("[device] ADDED slow");
    progress.tick(1000);
    progress.event("[device] PROBING slow driver virtio_net");
    progress.tick(2003);
    progress.close();
    progress.event("[device] BOUND slow driver virtio_net");
    assertThat(printed).containsExactly(
        "  [device] ADDED slow",
        "  waiting for the bus to create slow (1 s)",
        "  [device] PROBING slow driver virtio_net",
        "  waiting for the bus to create slow (2 s)");
  }
}
