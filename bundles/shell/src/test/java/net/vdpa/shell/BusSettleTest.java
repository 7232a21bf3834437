package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import net.vdpa.api.dto.DeviceDTO;
import org.junit.jupiter.api.Test;

class BusSettleTest {
  static DeviceDTO dev(DeviceDTO.State state, String displacedFrom, DeviceDTO.Stay stay) {
    DeviceDTO d = new DeviceDTO();
    d.name = "vdpa0";
    d.state = state;
    d.displacedFrom = displacedFrom;
    d.stay = stay;
    return d;
  }

  @Test
  void probingAndRemovingAreInFlight() {
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.NEW, null, null), Set.of())).as("not matched yet").isTrue();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.PROBING, null, null), Set.of())).isTrue();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.REMOVING, null, null), Set.of())).isTrue();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.BOUND, null, null), Set.of("virtio_net"))).isFalse();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.UNBOUND, "virtio_net", null), Set.of())).isFalse();
  }

  @Test
  void aBoundDeviceWhoseFormerDriverIsBackIsInFlightUntilTheBusDecides() {
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.BOUND, "virtio_net", null), Set.of("virtio_net", "vhost_vdpa"))).isTrue();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.BOUND, "virtio_net", null), Set.of("vhost_vdpa"))).as("not back yet")
        .isFalse();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.BOUND, "virtio_net", DeviceDTO.Stay.PLACED_BY_BIND),
        Set.of("virtio_net", "vhost_vdpa"))).as("decided: stays").isFalse();
  }
}
