package net.vdpa.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.Stay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bus's policy when a driver leaves and comes back: on-request drivers never take a device by
 * autoprobe, a device the bus moved goes back, a device a user placed or holds stays and says why,
 * and each move is one log line and one event.
 */
class DriverReturnTest {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<String> info = new CopyOnWriteArrayList<>();
  private final BusSink sink = new BusSink() {
    @Override
    public void post(String topic, Map<String, Object> p) {
      String line = topic.substring(topic.lastIndexOf('/') + 1) + " " + p.getOrDefault(VdpaEvents.DEVICE, "")
          + " " + p.getOrDefault(VdpaEvents.DRIVER, "");
      if (p.containsKey(VdpaEvents.FROM)) {
        line += " from " + p.get(VdpaEvents.FROM);
      }
      if (p.containsKey(VdpaEvents.STAY)) {
        line += " " + p.get(VdpaEvents.STAY);
      }
      events.add(line);
    }

    @Override
    public void info(String message) {
      info.add(message);
    }

    @Override
    public void warn(String message) {
      info.add("WARN " + message);
    }
  };
  private final BusCore bus = new BusCore(new BusCore.Settings(300, 2000, true, 2), sink);
  private long nextId = 1;

  @AfterEach
  void close() {
    bus.close();
  }

  private DriverEntry add(FakeDriver d) {
    return bus.driverAdded(d, 0, nextId++, 8);
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

  /**
   * Device d bound to virtio_net (score 10) with vhost_vdpa (on request) beside it; then virtio_net
   * leaves.
   *
   * @return the vhost_vdpa driver
   */
  private FakeDriver virtioNetLeavesDeviceD() {
    DriverEntry net = add(new FakeDriver("virtio_net", 10));
    FakeDriver vhost = new FakeDriver("vhost_vdpa", VdpaDriver.MATCH_ON_REQUEST);
    add(vhost);
    bus.deviceAdded(new FakeDevice("d", 1), nextId++, 7, null);
    awaitBound("d", "virtio_net");
    bus.driverRemoved(net);
    return vhost;
  }

  /** virtio_net leaves and comes back with vhost_vdpa present the whole time. */
  @Test
  void onRequestDriverNeverTakesADeviceByAutoprobe() {
    FakeDriver vhost = virtioNetLeavesDeviceD();
    String why = "waiting for driver virtio_net to come back; no driver takes it by autoprobe "
        + "(vhost_vdpa on request only: bind or driver override)";
    eventually("reason", () -> why.equals(dev("d").reason));
    assertThat(dev("d").state).isEqualTo(DeviceDTO.State.UNBOUND);
    assertThat(dev("d").displacedFrom).isEqualTo("virtio_net");
    // an explicit probe matches as autoprobe does: vhost_vdpa is still not chosen
    assertThat(bus.probe("d").state).isEqualTo(DeviceDTO.State.UNBOUND);
    assertThat(vhost.calls).isEmpty();

    add(new FakeDriver("virtio_net", 10));
    awaitBound("d", "virtio_net");
    assertThat(dev("d").displacedFrom).isNull();
    assertThat(dev("d").placement).isEqualTo(Placement.AUTOPROBE);
    assertThat(dev("d").score).as("virtio_net's score for it").isEqualTo(10);
    assertThat(vhost.calls).isEmpty();
  }

  @Test
  void onRequestDriverTakesADeviceByBindAndOverride() {
    add(new FakeDriver("vhost_vdpa", VdpaDriver.MATCH_ON_REQUEST));
    bus.deviceAdded(new FakeDevice("a", 1), nextId++, 7, null);
    bus.deviceAdded(new FakeDevice("b", 1), nextId++, 7, null);
    eventually("a matched", () -> dev("a").state == DeviceDTO.State.UNBOUND && dev("a").reason.startsWith("no driver takes it by autoprobe"));
    assertThat(bus.bind("a", "vhost_vdpa").placement).isEqualTo(Placement.BIND);
    assertThat(bus.setDriverOverride("b", "vhost_vdpa").placement).isEqualTo(Placement.OVERRIDE);
    assertThat(dev("b").score).isEqualTo(VdpaDriver.MATCH_ON_REQUEST);
    assertThat(bus.unbind("a").score).as("no driver, no score").isZero();
  }

  @Test
  void aMovedDeviceGoesBackWhenItsDriverReturnsInOneLineEachWay() {
    DriverEntry best = add(new FakeDriver("best", 10));
    FakeDriver next = new FakeDriver("next", 5);
    add(next);
    bus.deviceAdded(new FakeDevice("d", 1), nextId++, 7, null);
    awaitBound("d", "best");
    // the state is visible a moment before the line is logged: clear only once it is there
    eventually("bound line", () -> info.contains("device d bound to driver best"));
    info.clear();
    bus.driverRemoved(best);
    awaitBound("d", "next");
    eventually("moved event", () -> events.contains("MOVED d next from best"));
    assertThat(dev("d").displacedFrom).isEqualTo("best");

    FakeDriver again = new FakeDriver("best", 10);
    add(again);
    awaitBound("d", "best");
    eventually("moved back event", () -> events.contains("MOVED d best from next"));
    assertThat(dev("d").displacedFrom).isNull();
    assertThat(dev("d").stay).isNull();
    assertThat(next.calls).containsExactly("probe d", "busy d", "remove d status=15");
    assertThat(info.stream().filter(l -> l.startsWith("device d"))).containsExactly(
        "device d moved from driver best to driver next: driver best left",
        "device d moved from driver next to driver best: driver best came back");
  }

  @Test
  void aDevicePlacedByBindStaysAndSaysWhy() {
    FakeDriver vhost = virtioNetLeavesDeviceD();
    bus.bind("d", "vhost_vdpa");
    add(new FakeDriver("virtio_net", 10));
    eventually("stays event", () -> events.contains("STAYS d vhost_vdpa from virtio_net PLACED_BY_BIND"));
    DeviceDTO d = dev("d");
    assertThat(d.driver).isEqualTo("vhost_vdpa");
    assertThat(d.stay).isEqualTo(Stay.PLACED_BY_BIND);
    assertThat(d.stayReason).isEqualTo("placed on vhost_vdpa by bind");
    assertThat(vhost.calls).doesNotContain("remove d status=15", "busy d");
  }

  @Test
  void aDevicePlacedByOverrideStays() {
    virtioNetLeavesDeviceD();
    bus.setDriverOverride("d", "vhost_vdpa");
    awaitBound("d", "vhost_vdpa");
    add(new FakeDriver("virtio_net", 10));
    eventually("stays", () -> dev("d").stay != null);
    assertThat(dev("d").stay).isEqualTo(Stay.PLACED_BY_OVERRIDE);
    assertThat(dev("d").driver).isEqualTo("vhost_vdpa");
  }

  @Test
  void aDeviceAUserHoldsOpenStaysAndSaysWhy() {
    DriverEntry best = add(new FakeDriver("best", 10));
    FakeDriver next = new FakeDriver("next", 5);
    next.busy = "vhost-user frontend connected";
    add(next);
    bus.deviceAdded(new FakeDevice("d", 1), nextId++, 7, null);
    awaitBound("d", "best");
    bus.driverRemoved(best);
    awaitBound("d", "next");
    add(new FakeDriver("best", 10));
    eventually("stays line", () -> info.stream().anyMatch(l -> l.startsWith("device d stays")));
    assertThat(dev("d").stay).isEqualTo(Stay.IN_USE);
    assertThat(dev("d").stayReason).isEqualTo("in use through next: vhost-user frontend connected");
    assertThat(dev("d").driver).isEqualTo("next");
    assertThat(next.calls).doesNotContain("remove d status=15");
    assertThat(info).contains("device d stays on driver next although driver best is back: "
        + "in use through next: vhost-user frontend connected");
  }

  @Test
  void aDeviceTheUserUnboundWaitsForTheUser() {
    DriverEntry best = add(new FakeDriver("best", 10));
    add(new FakeDriver("next", 5));
    bus.deviceAdded(new FakeDevice("d", 1), nextId++, 7, null);
    awaitBound("d", "best");
    bus.driverRemoved(best);
    awaitBound("d", "next");
    bus.unbind("d");
    FakeDriver again = new FakeDriver("best", 10);
    add(again);
    assertThat(bus.device("d").orElseThrow().state).isEqualTo(DeviceDTO.State.UNBOUND);
    assertThat(dev("d").displacedFrom).isNull();
    assertThat(again.calls).isEmpty();
  }

  @Test
  void aNewDriverThatNeverHeldTheDeviceDoesNotTakeIt() {
    DriverEntry best = add(new FakeDriver("best", 10));
    add(new FakeDriver("next", 5));
    bus.deviceAdded(new FakeDevice("d", 1), nextId++, 7, null);
    awaitBound("d", "best");
    bus.driverRemoved(best);
    awaitBound("d", "next");
    FakeDriver other = new FakeDriver("other", 20);
    add(other);
    // a device is never taken by a newcomer; only the driver it left takes it back
    assertThat(bus.probe("d").driver).isEqualTo("next");
    assertThat(other.calls).isEmpty();
  }
}
