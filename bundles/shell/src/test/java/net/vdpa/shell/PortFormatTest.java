package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.WireKind;
import org.junit.jupiter.api.Test;

class PortFormatTest {
  private final List<PortState> ports = List.of(
      new PortState("cap", WireKind.CAPTURE, null, Path.of("/tmp/cap.pcap"), true, true, true),
      new PortState("left", WireKind.CABLE, "right", null, true, true, false),
      new PortState("right", WireKind.CABLE, "left", null, false, false, false),
      new PortState("vdpa0", WireKind.LOOPBACK, null, null, true, true, true));

  @Test
  void countersAreOneLinePerPortOrOneJsonObject() {
    java.util.Map<String, PortCounters> c = new java.util.TreeMap<>(java.util.Map.of(
        "left", new PortCounters(0, 0, 0, 10000, 640000, 100),
        "right", new PortCounters(10000, 640000, 2, 0, 0, 0)));
    assertThat(PortFormat.counters(c, VdpaFormat.Style.TEXT)).isEqualTo(String.join("\n",
        "left: rx_frames 0 rx_bytes 0 rx_drops 0 tx_frames 10000 tx_bytes 640000 tx_drops 100",
        "right: rx_frames 10000 rx_bytes 640000 rx_drops 2 tx_frames 0 tx_bytes 0 tx_drops 0"));
    assertThat(PortFormat.counters(java.util.Map.of("left", c.get("left")), new VdpaFormat.Style(true, false)))
        .isEqualTo("{\"port\":{\"left\":{\"rx_frames\":0,\"rx_bytes\":0,\"rx_drops\":0,\"tx_frames\":10000,"
            + "\"tx_bytes\":640000,\"tx_drops\":100}}}");
  }

  @Test
  void textIsOneLinePerPortSayingWhatWaits() {
    assertThat(PortFormat.ports(ports, VdpaFormat.Style.TEXT)).isEqualTo(String.join("\n",
        "cap: wire capture file /tmp/cap.pcap link up",
        "left: wire cable peer right link up (waiting for right)",
        "right: wire cable peer left link down (device absent; kept for when it appears)",
        "vdpa0: wire loopback link up"));
  }

  @Test
  void jsonIsOneObjectKeyedByDevice() {
    assertThat(PortFormat.ports(ports.subList(1, 2), new VdpaFormat.Style(true, false))).isEqualTo(
        "{\"port\":{\"left\":{\"wire\":\"cable\",\"peer\":\"right\",\"link\":\"up\",\"present\":true,\"connected\":false}}}");
  }
}
