package net.vdpa.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.remote.EventBatch;
import net.vdpa.api.remote.RuntimeEvent;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class EventJournalTest {
  private static Event bound(String device) {
    return new Event(VdpaEvents.DEVICE_BOUND, Map.of(VdpaEvents.DEVICE, device, VdpaEvents.DRIVER, "virtio_net",
        VdpaEvents.AUTOPROBE, Boolean.TRUE, "count", 3));
  }

  @Test
  void aNegativePositionGivesTheLatestAndNoEvents() throws Exception {
    EventJournal j = new EventJournal(4);
    j.handleEvent(bound("a"));
    j.handleEvent(bound("b"));
    EventBatch b = j.since(-1, 1000);
    assertThat(b.next()).isEqualTo(2);
    assertThat(b.events()).isEmpty();
  }

  @Test
  void eventsAfterThePositionInOrderWithTheBusKeysOnly() throws Exception {
    EventJournal j = new EventJournal(4);
    j.handleEvent(bound("a"));
    j.handleEvent(bound("b"));
    j.handleEvent(bound("c"));
    EventBatch b = j.since(1, 0);
    assertThat(b.events()).extracting(RuntimeEvent::seq).containsExactly(2L, 3L);
    RuntimeEvent e = b.events().get(0);
    assertThat(e.topic()).isEqualTo(VdpaEvents.DEVICE_BOUND);
    // the integer is no bus key and is left out; Event Admin's event.topics too
    assertThat(e.properties()).containsOnly(Map.entry(VdpaEvents.DEVICE, "b"), Map.entry(VdpaEvents.DRIVER, "virtio_net"),
        Map.entry(VdpaEvents.AUTOPROBE, Boolean.TRUE));
    assertThat(b.next()).isEqualTo(3);
    assertThat(b.missed()).isZero();
  }

  @Test
  void aPollWaitsForTheNextEventAndReturnsWhenItComes() throws Exception {
    EventJournal j = new EventJournal(4);
    CompletableFuture<EventBatch> poll = CompletableFuture.supplyAsync(() -> {
      try {
        return j.since(0, 20_000);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(poll).isNotDone();
    j.handleEvent(bound("late"));
    EventBatch b = poll.get(10, TimeUnit.SECONDS);
    assertThat(b.events()).extracting(e -> e.properties().get(VdpaEvents.DEVICE)).containsExactly("late");
  }

  @Test
  void aPollWithNothingNewReturnsEmptyAfterItsWait() throws Exception {
    EventJournal j = new EventJournal(4);
    j.handleEvent(bound("a"));
    long t0 = System.nanoTime();
    EventBatch b = j.since(1, 200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(190);
    assertThat(b.events()).isEmpty();
    assertThat(b.next()).isEqualTo(1);
  }

  @Test
  void eventsNoLongerKeptAreCountedAsMissed() throws Exception {
    EventJournal j = new EventJournal(2);
    for (String d : new String[] {"a", "b", "c", "d", "e"}) {
      j.handleEvent(bound(d));
    }
    EventBatch b = j.since(1, 0);
    assertThat(b.events()).extracting(RuntimeEvent::seq).containsExactly(4L, 5L);
    assertThat(b.missed()).isEqualTo(2); // events 2 and 3
  }

  @Test
  void aPositionBeyondTheLatestIsRefusedNamingIt() {
    EventJournal j = new EventJournal(2);
    assertThatThrownBy(() -> j.since(7, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event position 7 lies beyond the latest event, 0");
  }

  @Test
  void aRuntimeEventRefusesWhatTheBusDoesNotPost() {
    assertThatThrownBy(() -> new RuntimeEvent(1, "org/other/TOPIC", Map.of())).hasMessageContaining("org/other/TOPIC");
    assertThatThrownBy(() -> new RuntimeEvent(0, VdpaEvents.DEVICE_BOUND, Map.of())).hasMessageContaining("below 1");
    assertThatThrownBy(() -> new RuntimeEvent(1, VdpaEvents.DEVICE_BOUND, Map.of("device", 3)))
        .hasMessageContaining("event property device holds java.lang.Integer");
  }
}
