package net.vdpa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.vdpa.api.VdpaEvents;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The device store waits for the bus on its events: checked once, then after each event about the device. */
class BusWaitTest {
  private static Event about(String device) {
    return new Event(VdpaEvents.DEVICE_SETTLED, Map.of(VdpaEvents.DEVICE, device));
  }

  @Test
  void returnsAtOnceWhenTheBusAlreadyShowsIt() {
    try (BusWait wait = new BusWait("d", () -> {})) {
      wait.until("d", () -> true, 10);
    }
  }

  @Test
  void wakesOnAnEventAboutTheDeviceAndChecksNothingWithoutOne() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger checks = new AtomicInteger();
    CountDownLatch looked = new CountDownLatch(1);
    BusWait wait = new BusWait("d", () -> {});
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> wait.until("d", () -> {
      checks.incrementAndGet();
      looked.countDown();
      return done.get();
    }, 10_000));
    assertThat(looked.await(10, TimeUnit.SECONDS)).isTrue();
    wait.event(about("other")); // not about d: no second look
    done.set(true);
    assertThat(waiting).isNotDone();
    wait.event(about("d"));
    waiting.get(10, TimeUnit.SECONDS);
    assertThat(checks.get()).isEqualTo(2);
  }

  @Test
  void timesOutNamingWhatItWaitedFor() {
    BusWait wait = new BusWait("d", () -> {});
    assertThatThrownBy(() -> wait.until("device d to leave the bus", () -> false, 1000))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("timed out after 1 s waiting for device d to leave the bus");
  }

  @Test
  void closingStopsListening() {
    AtomicBoolean unregistered = new AtomicBoolean();
    new BusWait("d", () -> unregistered.set(true)).close();
    assertThat(unregistered).isTrue();
  }
}
