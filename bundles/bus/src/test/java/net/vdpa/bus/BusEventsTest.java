package net.vdpa.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DeviceDTO.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every piece of bus work on a device ends with an event, so that callers (the device store, the
 * shell's listing, the script runner) can wait on events instead of polling, and the device's state
 * says where it is: {@code NEW} until first matched, {@code PROBING} for the whole probe sequence.
 */
class BusEventsTest {
  private final List<String> events = new CopyOnWriteArrayList<>();
  /** The device's state as the bus showed it when each event was posted. */
  private final List<String> statesAtEvents = new CopyOnWriteArrayList<>();
  private BusCore bus;
  private final BusSink sink = new BusSink() {
    @Override
    public void post(String topic, Map<String, Object> p) {
      String what = topic.substring(topic.lastIndexOf('/') + 1);
      Object device = p.get(VdpaEvents.DEVICE);
      events.add(what + " " + (device == null ? "" : device) + " " + p.getOrDefault(VdpaEvents.REASON, ""));
      if (device != null) {
        bus.device((String) device).ifPresent(d -> statesAtEvents.add(what + " " + d.state));
      }
    }

    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}
  };
  private long nextId = 1;

  BusEventsTest() {
    bus = new BusCore(new BusCore.Settings(300, 2000, true, 2), sink);
  }

  @AfterEach
  void close() {
    bus.close();
  }

  private DeviceEntry add(FakeDevice d) {
    return bus.deviceAdded(d, nextId++, 7, null);
  }

  private DriverEntry add(FakeDriver d) {
    return bus.driverAdded(d, 0, nextId++, 8);
  }

  private long count(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).count();
  }

  @Test
  void aNewDeviceNoDriverTakesIsSettledWithItsReason() {
    DeviceEntry e = add(new FakeDevice("d", 1));
    assertThat(e.state).as("not matched yet").isIn(State.NEW, State.UNBOUND);
    BusAwait.eventually("settled", () -> count("SETTLED d") == 1);
    DeviceDTO d = bus.device("d").orElseThrow();
    assertThat(d.state).isEqualTo(State.UNBOUND);
    assertThat(d.reason).isEqualTo("no driver on the bus");
    assertThat(events).containsSubsequence("ADDED d ", "SETTLED d no driver on the bus");
  }

  @Test
  void settledIsPostedAgainOnlyWhenTheReasonChanges() {
    add(new FakeDevice("d", 1));
    BusAwait.eventually("first settled", () -> count("SETTLED d") == 1);
    add(new FakeDriver("blk_only", 0));
    bus.probe("d"); // waits for the lane, so the matching the new driver caused has run too
    assertThat(events).contains("SETTLED d no driver matches");
    assertThat(count("SETTLED d")).as("matched again for the new driver, shown NEW meanwhile").isEqualTo(2);
    bus.probe("d");
    assertThat(count("SETTLED d")).as("same reason, no news").isEqualTo(2);
  }

  @Test
  void aFailedCandidateLeavesTheDeviceProbingWhileTheNextIsTried() {
    FakeDriver bad = new FakeDriver("bad", 10);
    bad.probe = FakeDriver.Probe.THROW;
    add(bad);
    add(new FakeDriver("good", 5));
    add(new FakeDevice("d", 1));
    BusAwait.awaitBound(bus, "d", "good");
    assertThat(statesAtEvents).contains("PROBE_FAILED PROBING").doesNotContain("PROBE_FAILED UNBOUND");
    assertThat(count("SETTLED d")).isZero();
  }

  @Test
  void everyCandidateFailingEndsWithOneSettledEventNamingEachFailure() {
    FakeDriver a = new FakeDriver("a", 10);
    a.probe = FakeDriver.Probe.THROW;
    FakeDriver b = new FakeDriver("b", 5);
    b.probe = FakeDriver.Probe.THROW;
    add(a);
    add(b);
    add(new FakeDevice("d", 1));
    BusAwait.eventually("settled", () -> count("SETTLED d") == 1);
    String why = "probe failed: a: IllegalStateException: device lacks VERSION_1; b: IllegalStateException: device lacks VERSION_1";
    assertThat(events).containsSubsequence("PROBE_FAILED d IllegalStateException: device lacks VERSION_1",
        "PROBE_FAILED d IllegalStateException: device lacks VERSION_1", "SETTLED d " + why);
    assertThat(bus.device("d").orElseThrow().reason).isEqualTo(why);
  }

  @Test
  void aDriverArrivingWhileANewDeviceIsFirstMatchedIsOfferedItToo() throws Exception {
    CountDownLatch scoring = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    add(new FakeDriver("slow_to_say_no", dev -> {
      scoring.countDown();
      try {
        goOn.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }));
    add(new FakeDevice("d", 1));
    assertThat(scoring.await(10, TimeUnit.SECONDS)).isTrue();
    // the first matching has read the drivers; this one arrives before it ends
    add(new FakeDriver("good", 5));
    goOn.countDown();
    BusAwait.awaitBound(bus, "d", "good");
  }

  @Test
  void aReturningDriverThatFitsNoBetterLeavesTheDeviceWithASettledEvent() {
    DriverEntry best = add(new FakeDriver("best", 10));
    add(new FakeDriver("next", 5));
    add(new FakeDevice("d", 1));
    BusAwait.awaitBound(bus, "d", "best");
    bus.driverRemoved(best);
    BusAwait.awaitBound(bus, "d", "next");
    add(new FakeDriver("best", 3)); // back, but it now fits worse than next
    BusAwait.eventually("settled on next", () -> count("SETTLED d") == 1);
    DeviceDTO d = bus.device("d").orElseThrow();
    assertThat(d.driver).isEqualTo("next");
    assertThat(d.displacedFrom).isNull();
  }

  @Test
  void aDeviceWhoseDriverLeftIsShownUnboundWhenItsSettledEventIsPosted() {
    DriverEntry only = add(new FakeDriver("only", 10));
    add(new FakeDriver("other", 0)); // present, but takes nothing
    add(new FakeDevice("d", 1));
    BusAwait.awaitBound(bus, "d", "only");
    bus.driverRemoved(only);
    BusAwait.eventually("settled", () -> count("SETTLED d") == 1);
    // a page or a script reading the bus when it hears the event must see where the device ended
    assertThat(statesAtEvents).endsWith("SETTLED UNBOUND");
    assertThat(statesAtEvents).doesNotContain("SETTLED NEW");
    assertThat(bus.device("d").orElseThrow().state).isEqualTo(State.UNBOUND);
  }

  @Test
  void aDriverArrivingWhileTheDeviceIsProbingAnotherIsOfferedItToo() {
    FakeDriver failing = new FakeDriver("failing", 10);
    failing.probe = FakeDriver.Probe.THROW;
    FakeDriver warden = new FakeDriver("warden", 0);
    add(failing);
    add(warden);
    // asked while the device is PROBING by "failing", after its candidates were read
    warden.onRefusesAsked = () -> {
      warden.onRefusesAsked = null;
      add(new FakeDriver("good", 5));
    };
    add(new FakeDevice("d", 1));
    BusAwait.awaitBound(bus, "d", "good");
    assertThat(statesAtEvents).doesNotContain("SETTLED NEW");
  }
}
