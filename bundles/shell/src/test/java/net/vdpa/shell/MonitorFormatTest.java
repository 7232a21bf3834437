package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.vdpa.api.VdpaEvents;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class MonitorFormatTest {
  @Test
  void oneLinePerEvent() {
    assertThat(MonitorFormat.line(new Event(VdpaEvents.DEVICE_BOUND, Map.of("device", "vdpa0", "driver", "virtio_net"))))
        .isEqualTo("[device] BOUND vdpa0 driver virtio_net");
    assertThat(MonitorFormat.line(new Event(VdpaEvents.PROBE_FAILED,
        Map.of("device", "vdpa0", "driver", "x", "reason", "probe timed out after 300 ms"))))
        .isEqualTo("[device] PROBE_FAILED vdpa0 driver x reason \"probe timed out after 300 ms\"");
    assertThat(MonitorFormat.line(new Event(VdpaEvents.OVERRIDE_CHANGED, Map.of("device", "d", "override", ""))))
        .isEqualTo("[device] OVERRIDE_CHANGED d override none");
    assertThat(MonitorFormat.line(new Event(VdpaEvents.AUTOPROBE_CHANGED, Map.of("autoprobe", false))))
        .isEqualTo("[bus] AUTOPROBE_CHANGED autoprobe off");
    assertThat(MonitorFormat.line(new Event(VdpaEvents.DEVICE_MOVED, Map.of("device", "vdpa0", "driver", "virtio_net",
        "from", "low", "reason", "driver virtio_net came back"))))
        .isEqualTo("[device] MOVED vdpa0 driver virtio_net from low reason \"driver virtio_net came back\"");
    assertThat(MonitorFormat.line(new Event(VdpaEvents.DEVICE_STAYS, Map.of("device", "vdpa0", "driver", "vhost_vdpa",
        "from", "virtio_net", "stay", "PLACED_BY_BIND", "reason", "placed on vhost_vdpa by bind"))))
        .isEqualTo("[device] STAYS vdpa0 driver vhost_vdpa from virtio_net stay PLACED_BY_BIND reason "
            + "\"placed on vhost_vdpa by bind\"");
  }
}
