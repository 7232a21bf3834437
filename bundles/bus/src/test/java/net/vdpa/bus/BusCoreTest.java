package net.vdpa.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BusCoreTest {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final BusSink sink = new BusSink() {
    @Override
    public void post(String topic, Map<String, Object> p) {
      events.add(topic.substring(topic.lastIndexOf('/') + 1) + " " + p.getOrDefault(VdpaEvents.DEVICE, "")
          + " " + p.getOrDefault(VdpaEvents.DRIVER, ""));
    }

    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}
  };
  private BusCore bus = new BusCore(new BusCore.Settings(300, 2000, true, 2), sink);
  private long nextId = 1;

  @AfterEach
  void close() {
    bus.close();
  }

  private DeviceEntry add(FakeDevice d) {
    return bus.deviceAdded(d, nextId++, 7, null);
  }

  private DriverEntry add(FakeDriver d, int ranking) {
    return bus.driverAdded(d, ranking, nextId++, 8);
  }

  private DeviceDTO dev(String name) {
    return bus.device(name).orElseThrow();
  }

  private static void eventually(String what, BooleanSupplier condition) {
    BusAwait.eventually(what, condition);
  }

  private void awaitBound(String device, String driver) {
    BusAwait.awaitBound(bus, device, driver);
  }

  @Test
  void deviceBeforeAndAfterDriversBindsToBestScore() {
    add(new FakeDevice("early", 1));
    add(new FakeDriver("low", 5), 0);
    awaitBound("early", "low");
    add(new FakeDriver("high", 10), 0);
    add(new FakeDevice("late", 1));
    awaitBound("late", "high");
    // a new driver does not steal a bound device
    assertThat(dev("early").driver).isEqualTo("low");
  }

  @Test
  void scoreZeroDoesNotMatchAndReasonSaysSo() {
    add(new FakeDriver("net_only", d -> d.deviceId() == VdpaDevice.ID_NET ? 1 : 0), 0);
    add(new FakeDevice("blk", VdpaDevice.ID_BLOCK));
    eventually("reason", () -> "no driver matches".equals(dev("blk").reason));
    assertThat(dev("blk").state).isEqualTo(DeviceDTO.State.UNBOUND);
  }

  @Test
  void anIdleDeviceIsNewFromTheMomentADriverArrivesUntilItIsMatched() throws Exception {
    add(new FakeDevice("d", 1));
    eventually("settled", () -> "no driver on the bus".equals(dev("d").reason));
    java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    add(new FakeDriver("slow", x -> {
      asked.countDown();
      try {
        answer.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 5;
    }), 0);
    // read right after the driver arrived, and while the bus is asking it: never idle with a stale reason
    DeviceDTO right = dev("d");
    assertThat(right.state).isEqualTo(DeviceDTO.State.NEW);
    assertThat(right.reason).isNull();
    assertThat(asked.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(dev("d").state).isEqualTo(DeviceDTO.State.NEW);
    answer.countDown();
    awaitBound("d", "slow");
  }

  @Test
  void aDeviceWhoseDriverLeftIsNotIdleBeforeItIsMatchedAgain() {
    DriverEntry first = add(new FakeDriver("first", 10), 0);
    add(new FakeDriver("second", 5), 0);
    add(new FakeDevice("d", 1));
    awaitBound("d", "first");
    bus.driverRemoved(first);
    // driverRemoved returns once the device is released; its matching again may still be queued
    DeviceDTO after = dev("d");
    assertThat(after.state).isNotEqualTo(DeviceDTO.State.UNBOUND);
    awaitBound("d", "second");
  }

  @Test
  void rankingThenServiceIdBreakTies() {
    add(new FakeDriver("first", 5), 0);
    add(new FakeDriver("second", 5), 0);
    add(new FakeDriver("ranked", 5), 3);
    add(new FakeDevice("d", 1));
    awaitBound("d", "ranked");
    bus.unbind("d");
    bus.setDriverOverride("d", null);
    // with ranking out of the way the lower service id wins
    BusCore other = new BusCore(new BusCore.Settings(300, 2000, true, 2), sink);
    try {
      other.driverAdded(new FakeDriver("first", 5), 0, 1, 1);
      other.driverAdded(new FakeDriver("second", 5), 0, 2, 1);
      other.deviceAdded(new FakeDevice("x", 1), 3, 1, null);
      eventually("x bound", () -> "first".equals(other.device("x").orElseThrow().driver));
    } finally {
      other.close();
    }
  }

  @Test
  void overrideWinsOverScoreAndWaitsForAbsentDriver() {
    add(new FakeDriver("virtio_net", 10), 0);
    add(new FakeDevice("d", 1));
    awaitBound("d", "virtio_net");
    DeviceDTO after = bus.setDriverOverride("d", "vhost_vdpa");
    assertThat(after.state).isEqualTo(DeviceDTO.State.UNBOUND);
    assertThat(after.reason).isEqualTo("waiting for driver 'vhost_vdpa' (driver override; it is not loaded)");
    FakeDriver vhost = new FakeDriver("vhost_vdpa", 1);
    add(vhost, 0);
    awaitBound("d", "vhost_vdpa");
    assertThat(bus.setDriverOverride("d", "none").driverOverride).isNull();
    assertThat(dev("d").driver).isEqualTo("vhost_vdpa");
  }

  @Test
  void presetOverrideAppliesWhenTheDeviceAppears() {
    add(new FakeDriver("virtio_net", 10), 0);
    FakeDriver vhost = new FakeDriver("vhost_vdpa", 1);
    add(vhost, 0);
    bus.presetDriverOverride("d", "vhost_vdpa");
    add(new FakeDevice("d", 1));
    awaitBound("d", "vhost_vdpa");
    assertThat(vhost.calls).containsExactly("probe d");
    assertThat(dev("d").driverOverride).isEqualTo("vhost_vdpa");
  }

  @Test
  void driverLeavingRemovesResetsAndRebinds() {
    FakeDriver best = new FakeDriver("best", 10);
    DriverEntry bestEntry = add(best, 0);
    add(new FakeDriver("next", 5), 0);
    FakeDevice d = new FakeDevice("d", 1);
    add(d);
    awaitBound("d", "best");
    int resets = d.resets.get();
    bus.driverRemoved(bestEntry);
    // remove ran before driverRemoved returned, while the device was still running
    assertThat(best.calls).contains("remove d status=15");
    assertThat(d.resets.get()).isGreaterThan(resets);
    awaitBound("d", "next");
    assertThat(dev("d").displacedFrom).isEqualTo("best");
    assertThat(dev("d").placement).isEqualTo(DeviceDTO.Placement.AUTOPROBE);
    assertThat(events).contains("MOVED d next");
  }

  @Test
  void deviceLeavingRunsRemoveFirst() {
    FakeDriver drv = new FakeDriver("drv", 2);
    add(drv, 0);
    FakeDevice d = new FakeDevice("d", 1);
    DeviceEntry e = add(d);
    awaitBound("d", "drv");
    bus.deviceRemoved(e);
    assertThat(drv.calls).containsExactly("probe d", "remove d status=15");
    assertThat(bus.device("d")).isEmpty();
    assertThat(events).containsSubsequence("BOUND d drv", "UNBOUND d drv", "REMOVED d ");
  }

  @Test
  void autoprobeOffLeavesDevicesIdleUntilBind() {
    bus.setAutoprobe(false);
    add(new FakeDriver("drv", 2), 0);
    add(new FakeDevice("d", 1));
    eventually("reason", () -> "autoprobe is off for the bus".equals(dev("d").reason));
    assertThat(bus.bind("d", "drv").state).isEqualTo(DeviceDTO.State.BOUND);
  }

  @Test
  void perDeviceAutoprobe() {
    add(new FakeDevice("d", 1));
    bus.setAutoprobe("d", false);
    add(new FakeDriver("drv", 2), 0);
    assertThat(dev("d").reason).isEqualTo("autoprobe is off for this device");
    assertThat(bus.setAutoprobe("d", true).driver).isEqualTo("drv");
  }

  @Test
  void bindErrorsNameTheValues() {
    add(new FakeDriver("drv", 2), 0);
    add(new FakeDevice("d", 1));
    awaitBound("d", "drv");
    assertThatThrownBy(() -> bus.bind("nope", "drv")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no device 'nope' on the bus (devices: d)");
    assertThatThrownBy(() -> bus.bind("d", "drv")).isInstanceOf(IllegalStateException.class)
        .hasMessage("device d is already bound to driver drv");
    bus.unbind("d");
    assertThatThrownBy(() -> bus.bind("d", "vhost-vdpa")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no driver 'vhost-vdpa' on the bus (drivers: drv)");
    assertThatThrownBy(() -> bus.unbind("d")).isInstanceOf(IllegalStateException.class)
        .hasMessage("device d is not bound (unbound by request)");
  }

  @Test
  void unbindHoldsTheDeviceUntilBind() {
    add(new FakeDriver("drv", 2), 0);
    FakeDevice d = new FakeDevice("d", 1);
    add(d);
    awaitBound("d", "drv");
    DeviceDTO after = bus.unbind("d");
    assertThat(after.state).isEqualTo(DeviceDTO.State.UNBOUND);
    assertThat(after.status).isZero();
    add(new FakeDriver("other", 9), 0);
    assertThat(dev("d").state).isEqualTo(DeviceDTO.State.UNBOUND);
    assertThat(bus.bind("d", "drv").driver).isEqualTo("drv");
  }

  @Test
  void throwingProbeFallsBackToNextCandidateAndRecordsWhy() {
    FakeDriver bad = new FakeDriver("bad", 10);
    bad.probe = FakeDriver.Probe.THROW;
    add(bad, 0);
    add(new FakeDriver("good", 2), 0);
    add(new FakeDevice("d", 1));
    awaitBound("d", "good");
    assertThat(events).contains("PROBE_FAILED d bad");
    bus.unbind("d");
    assertThatThrownBy(() -> bus.bind("d", "bad")).isInstanceOf(IllegalStateException.class)
        .hasMessage("binding device d to driver bad failed: probe failed: bad: IllegalStateException: device lacks VERSION_1");
  }

  @Test
  void hangingProbeTimesOutWithoutBlockingOthers() {
    FakeDriver hang = new FakeDriver("hang", 10);
    hang.probe = FakeDriver.Probe.HANG;
    add(hang, 0);
    add(new FakeDriver("good", 2), 0);
    for (int i = 0; i < 6; i++) {
      add(new FakeDevice("d" + i, 1));
    }
    for (int i = 0; i < 6; i++) {
      awaitBound("d" + i, "good");
      assertThat(events).contains("PROBE_FAILED d" + i + " hang");
    }
    // the hung probes come back late and successfully: the bus tells the driver to let go
    hang.release.countDown();
    eventually("late removes", () -> hang.held.isEmpty() && hang.calls.stream().filter(c -> c.startsWith("remove")).count() == 6);
    for (int i = 0; i < 6; i++) {
      assertThat(dev("d" + i).driver).isEqualTo("good");
    }
  }

  @Test
  void aTimedOutProbeThatReturnsWhenInterruptedCannotRunTheNextTaskFirst() {
    // regression: the interrupted thread used to run the caller's completion marker before the
    // watchdog had recorded the timeout, so the caller saw the previous reason
    FakeDriver sleeper = new FakeDriver("sleeper", 1);
    sleeper.probe = FakeDriver.Probe.SLEEP;
    add(sleeper, 0);
    add(new FakeDriver("good", 5), 0);
    add(new FakeDevice("d", 1));
    awaitBound("d", "good");
    bus.unbind("d");
    for (int i = 0; i < 10; i++) {
      bus.setDriverOverride("d", "good");
      assertThat(dev("d").driver).isEqualTo("good");
      assertThat(bus.setDriverOverride("d", "sleeper").reason).isEqualTo("probe failed: sleeper: probe timed out after 300 ms");
    }
  }

  @Test
  void deviceWithImpossibleQueueLimitsIsNotProbed() {
    FakeDriver drv = new FakeDriver("drv", 2);
    add(drv, 0);
    FakeDevice d = new FakeDevice("d", 1);
    d.numMax = 4;
    d.numMin = 8;
    add(d);
    eventually("reason", () -> "device's max queue size 4 is below its min 8".equals(dev("d").reason));
    assertThat(drv.calls).isEmpty();
  }

  @Test
  void duplicateDeviceNameIsRefused() {
    assertThat(add(new FakeDevice("d", 1))).isNotNull();
    assertThat(add(new FakeDevice("d", 1))).isNull();
    assertThat(bus.devices()).hasSize(1);
  }

  @Test
  void closeReleasesEveryDevice() {
    FakeDriver drv = new FakeDriver("drv", 2);
    add(drv, 0);
    for (int i = 0; i < 20; i++) {
      add(new FakeDevice("d" + i, 1));
    }
    for (int i = 0; i < 20; i++) {
      awaitBound("d" + i, "drv");
    }
    bus.close();
    assertThat(drv.held).isEmpty();
    bus = new BusCore(new BusCore.Settings(300, 2000, true, 2), sink);
  }

  @Test
  void servicesLeavingAfterCloseAreIgnored() {
    FakeDriver drv = new FakeDriver("drv", 2);
    DriverEntry de = add(drv, 0);
    DeviceEntry e = add(new FakeDevice("d", 1));
    awaitBound("d", "drv");
    bus.close();
    // the framework then takes the services away: nothing throws, nothing is removed twice
    bus.deviceRemoved(e);
    bus.driverRemoved(de);
    assertThat(drv.calls).containsExactly("probe d", "remove d status=15");
    bus = new BusCore(new BusCore.Settings(300, 2000, true, 2), sink);
  }

  @Test
  void thousandDevicesThreeDriversAndAMove() {
    FakeDriver a = new FakeDriver("a", d -> d.name().hashCode() % 3 == 0 ? 10 : 1);
    FakeDriver b = new FakeDriver("b", 5);
    DriverEntry ae = add(a, 0);
    add(b, 0);
    add(new FakeDriver("c", d -> 0), 0);
    for (int i = 0; i < 1000; i++) {
      add(new FakeDevice("dev" + i, 1));
    }
    eventually("all bound", () -> bus.devices().stream().allMatch(d -> d.state == DeviceDTO.State.BOUND));
    for (DeviceDTO d : bus.devices()) {
      assertThat(d.driver).isEqualTo(d.name.hashCode() % 3 == 0 ? "a" : "b");
    }
    bus.driverRemoved(ae);
    // a device shows its new driver while the probe runs: wait for the probes to end
    eventually("all bound to b", () -> bus.devices().stream()
        .allMatch(d -> "b".equals(d.driver) && d.state == DeviceDTO.State.BOUND));
    assertThat(a.held).isEmpty();
    assertThat(b.held).hasSize(1000);
  }
}
