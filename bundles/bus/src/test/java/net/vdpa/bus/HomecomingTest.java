package net.vdpa.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.Stay;
import org.junit.jupiter.api.Test;

class HomecomingTest {
  private final AtomicInteger asked = new AtomicInteger();

  private Optional<String> idle() {
    asked.incrementAndGet();
    return Optional.empty();
  }

  @Test
  void anAutoprobedDeviceGoesBackToABetterDriver() {
    assertThat(Homecoming.decide(Placement.AUTOPROBE, "next", "best", true, this::idle))
        .isInstanceOf(Homecoming.GoBack.class);
    assertThat(asked).hasValue(1);
  }

  @Test
  void aUsersPlacementWinsAndTheHolderIsNotAsked() {
    assertThat(Homecoming.decide(Placement.BIND, "vhost_vdpa", "virtio_net", true, this::idle))
        .isEqualTo(new Homecoming.Stays(Stay.PLACED_BY_BIND, "placed on vhost_vdpa by bind"));
    assertThat(Homecoming.decide(Placement.OVERRIDE, "vhost_vdpa", "virtio_net", true, this::idle))
        .isEqualTo(new Homecoming.Stays(Stay.PLACED_BY_OVERRIDE, "placed on vhost_vdpa by driver override"));
    assertThat(asked).hasValue(0);
  }

  @Test
  void aBusyHolderKeepsTheDevice() {
    assertThat(Homecoming.decide(Placement.AUTOPROBE, "next", "best", true, () -> Optional.of("handle open")))
        .isEqualTo(new Homecoming.Stays(Stay.IN_USE, "in use through next: handle open"));
  }

  @Test
  void aReturningDriverThatNoLongerRanksHigherChangesNothing() {
    assertThat(Homecoming.decide(Placement.AUTOPROBE, "next", "best", false, this::idle))
        .isInstanceOf(Homecoming.NotBetter.class);
    assertThat(asked).hasValue(0);
  }
}
