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
        "left: rx_packets 0 rx_bytes 0 rx_dropped 0 tx_packets 10000 tx_bytes 640000 tx_dropped 100",
        "right: rx_packets 10000 rx_bytes 640000 rx_dropped 2 tx_packets 0 tx_bytes 0 tx_dropped 0"));
    assertThat(PortFormat.counters(java.util.Map.of("left", c.get("left")), new VdpaFormat.Style(true, false)))
        .isEqualTo("{\"port\":{\"left\":{\"rx_packets\":0,\"rx_bytes\":0,\"rx_dropped\":0,\"tx_packets\":10000,"
            + "\"tx_bytes\":640000,\"tx_dropped\":100}}}");
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

  private static java.net.InetSocketAddress at(int port) {
    return new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port);
  }

  @Test
  void socketWiresShowTheirAddressesAndALineOfCounters() {
    java.util.Map<net.vdpa.api.port.SocketDrop, Long> drops = new java.util.EnumMap<>(net.vdpa.api.port.SocketDrop.class);
    drops.put(net.vdpa.api.port.SocketDrop.RUNT, 2L);
    drops.put(net.vdpa.api.port.SocketDrop.NO_PEER, 5L);
    List<PortState> ps = List.of(
        new PortState("s0", WireKind.STREAM, null, null, true, true, false, net.vdpa.api.port.SocketAddresses.listen(at(5557))),
        new PortState("s1", WireKind.STREAM, null, null, true, true, true, net.vdpa.api.port.SocketAddresses.connect(at(5557))),
        new PortState("u0", WireKind.UDP, null, null, true, true, true,
            net.vdpa.api.port.SocketAddresses.udp(at(5555), at(5556))));
    java.util.Map<String, net.vdpa.api.port.SocketStats> st = java.util.Map.of(
        "s0", new net.vdpa.api.port.SocketStats(null, 0, 0, 0, 0, 0, 0, drops),
        "u0", new net.vdpa.api.port.SocketStats("127.0.0.1:5556", 3, 192, 4, 256, 0, 0, null));
    assertThat(PortFormat.ports(ps, st, VdpaFormat.Style.TEXT)).isEqualTo(String.join("\n",
        "s0: wire stream listen 127.0.0.1:5557 link up (no peer connected)",
        "  socket peer none tx_frames 0 tx_bytes 0 rx_frames 0 rx_bytes 0 connects 0 disconnects 0 drops runt 2 oversize 0"
            + " truncated 0 bad_length 0 not_receiving 0 no_peer 5 send_failed 0",
        "s1: wire stream connect 127.0.0.1:5557 link up",
        "u0: wire udp local 127.0.0.1:5555 remote 127.0.0.1:5556 link up",
        "  socket peer 127.0.0.1:5556 tx_frames 3 tx_bytes 192 rx_frames 4 rx_bytes 256 connects 0 disconnects 0 drops"
            + " runt 0 oversize 0 truncated 0 bad_length 0 not_receiving 0 no_peer 0 send_failed 0"));
    assertThat(PortFormat.ports(ps.subList(2, 3), st, new VdpaFormat.Style(true, false))).isEqualTo(
        "{\"port\":{\"u0\":{\"wire\":\"udp\",\"local\":\"127.0.0.1:5555\",\"remote\":\"127.0.0.1:5556\",\"link\":\"up\","
            + "\"present\":true,\"connected\":true,\"socket\":{\"peer\":\"127.0.0.1:5556\",\"tx_frames\":3,\"tx_bytes\":192,"
            + "\"rx_frames\":4,\"rx_bytes\":256,\"connects\":0,\"disconnects\":0,\"drops\":{\"runt\":0,\"oversize\":0,"
            + "\"truncated\":0,\"bad_length\":0,\"not_receiving\":0,\"no_peer\":0,\"send_failed\":0}}}}}");
  }

  @Test
  void addressesAreParsedWithLoopbackAsTheDefaultAndBadOnesNamed() {
    assertThat(net.vdpa.api.port.SocketAddresses.address("5555")).isEqualTo(at(5555));
    assertThat(net.vdpa.api.port.SocketAddresses.text(net.vdpa.api.port.SocketAddresses.address("[::1]:5555")))
        .isEqualTo("[0:0:0:0:0:0:0:1]:5555");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.vdpa.api.port.SocketAddresses.address("127.0.0.1:0"))
        .hasMessage("address '127.0.0.1:0': port 0 is out of range 1..65535");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.vdpa.api.port.SocketAddresses.address("127.0.0.1:x"))
        .hasMessage("address '127.0.0.1:x': port 'x' is not a number");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.vdpa.api.port.SocketAddresses.address("::1:5"))
        .hasMessage("address '::1:5' is not HOST:PORT, [IPV6]:PORT or PORT");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.vdpa.api.port.SocketAddresses.address("no.such.host.invalid:5"))
        .hasMessage("address 'no.such.host.invalid:5': unknown host no.such.host.invalid");
  }
}
