package net.vdpa.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DeviceDTO.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A driver refusing a device it does not hold to another driver ({@link
 * net.vdpa.api.VdpaDriver#refuses}, the form of VFIO's DMA ownership of an IOMMU group), and
 * {@link BusCore#rematch} once the refusal ends.
 */
class RefusalTest {
  private static final String IN_USE = "iommu group 7 is in use by testpmd";

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final BusSink sink = new BusSink() {
    @Override
    public void post(String topic, Map<String, Object> p) {
      events.add(topic.substring(topic.lastIndexOf('/') + 1) + " " + p.getOrDefault(VdpaEvents.DEVICE, "") + " "
          + p.getOrDefault(VdpaEvents.DRIVER, "") + " " + p.getOrDefault(VdpaEvents.REASON, ""));
    }

    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}
  };
  private final BusCore bus = new BusCore(new BusCore.Settings(300, 2000, true, 2), sink);
  private final FakeDriver net = new FakeDriver("virtio_net", 5);
  private final FakeDriver vfio = new FakeDriver("vfio_vdpa", 1);
  private long nextId = 1;

  @AfterEach
  void close() {
    bus.close();
  }

  private void add(FakeDriver d) {
    bus.driverAdded(d, 0, nextId++, 8);
  }

  private void add(FakeDevice d) {
    bus.deviceAdded(d, nextId++, 7, null);
  }

  private DeviceDTO dev(String name) {
    return bus.device(name).orElseThrow();
  }

  private void awaitIdle(String device, String reason) {
    BusAwait.eventually(device + " idle: " + reason, () -> {
      DeviceDTO d = dev(device);
      return d.state == State.UNBOUND && reason.equals(d.reason);
    });
  }

  @Test
  void aRefusedDeviceStaysIdleWithTheRefusalAsReasonAndTheCandidateIsNeverProbed() {
    vfio.refusing.put("b", IN_USE);
    add(vfio);
    add(net);
    add(new FakeDevice("b", 1));
    awaitIdle("b", "probe failed: virtio_net: refused by vfio_vdpa: " + IN_USE);
    assertThat(net.calls).doesNotContain("probe b");
    assertThat(vfio.refusalsAsked).contains("b to virtio_net");
    assertThat(events).contains("PROBE_FAILED b virtio_net refused by vfio_vdpa: " + IN_USE);
  }

  @Test
  void anExplicitBindIsRefusedNamingTheRefusal() {
    vfio.refusing.put("b", IN_USE);
    add(vfio);
    add(net);
    add(new FakeDevice("b", 1));
    awaitIdle("b", "probe failed: virtio_net: refused by vfio_vdpa: " + IN_USE);
    assertThatThrownBy(() -> bus.bind("b", "virtio_net")).isInstanceOf(IllegalStateException.class)
        .hasMessage("binding device b to driver virtio_net failed: probe failed: virtio_net: refused by vfio_vdpa: "
            + IN_USE);
    assertThat(net.held).isEmpty();
  }

  @Test
  void theRefusingDriverItselfMayTakeTheDeviceAndIsNotAskedAboutItself() {
    vfio.refusing.put("b", IN_USE);
    add(vfio);
    add(net);
    add(new FakeDevice("b", 1));
    awaitIdle("b", "probe failed: virtio_net: refused by vfio_vdpa: " + IN_USE);
    assertThat(bus.bind("b", "vfio_vdpa").state).isEqualTo(State.BOUND);
    assertThat(vfio.refusalsAsked).doesNotContain("b to vfio_vdpa");
    assertThat(net.refusalsAsked).contains("b to vfio_vdpa");
  }

  @Test
  void theRefusingDriverIsAskedWhileTheDeviceShowsProbingByTheCandidate() {
    List<String> seen = new CopyOnWriteArrayList<>();
    vfio.onRefusesAsked = () -> {
      DeviceDTO d = dev("b");
      seen.add(d.state + " " + d.driver);
    };
    add(vfio);
    add(net);
    add(new FakeDevice("b", 1));
    BusAwait.awaitBound(bus, "b", "virtio_net");
    assertThat(seen).containsExactly("PROBING virtio_net");
  }

  @Test
  void rematchBindsTheDeviceOnceTheRefusalEnds() {
    vfio.refusing.put("b", IN_USE);
    add(vfio);
    add(net);
    add(new FakeDevice("b", 1));
    awaitIdle("b", "probe failed: virtio_net: refused by vfio_vdpa: " + IN_USE);
    vfio.refusing.clear();
    bus.rematch("b");
    BusAwait.awaitBound(bus, "b", "virtio_net");
  }

  @Test
  void rematchLeavesADeviceAUserUnboundAndOneWithAutoprobeOff() {
    add(new FakeDevice("off", 1));
    awaitIdle("off", "no driver on the bus");
    bus.setAutoprobe("off", false);
    add(net);
    add(new FakeDevice("held", 1));
    BusAwait.awaitBound(bus, "held", "virtio_net");
    bus.unbind("held");
    bus.rematch("held");
    bus.rematch("off");
    // each call below runs on the device's lane after what rematch queued, and binds nothing itself
    assertThat(bus.setAutoprobe("held", true).state).isEqualTo(State.UNBOUND);
    assertThat(bus.setDriverOverride("off", null).state).isEqualTo(State.UNBOUND);
    assertThat(net.calls).containsOnlyOnce("probe held").doesNotContain("probe off");
  }

  @Test
  void aDriverThatThrowsFromRefusesDoesNotLockDevicesAway() {
    FakeDriver broken = new FakeDriver("broken", 0);
    broken.onRefusesAsked = () -> {
      throw new IllegalStateException("bug");
    };
    add(broken);
    add(net);
    add(new FakeDevice("b", 1));
    BusAwait.awaitBound(bus, "b", "virtio_net");
  }

  @Test
  void rematchOfAnUnknownDeviceNamesIt() {
    assertThatThrownBy(() -> bus.rematch("nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
  }
}
