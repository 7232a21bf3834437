package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.vhost.SocketMode;
import org.junit.jupiter.api.Test;

class VhostFormatTest {
  @Test
  void oneLinePerDeviceWithItsSocketAndOwner() {
    assertThat(VhostFormat.show(List.of(
        new VhostFormat.Line("vdpa0", "/run/user/0/vdpa-1a2b3c4d/vdpa0.sock", SocketMode.SERVER, false, null,
            List.of()),
        new VhostFormat.Line("vdpa1", "/srv/v/vdpa1.sock", SocketMode.SERVER, true, "vhost-user frontend pid 42 uid 0",
            List.of()))))
        .isEqualTo("""
        vdpa0: socket /run/user/0/vdpa-1a2b3c4d/vdpa0.sock owner none
        vdpa1: socket /srv/v/vdpa1.sock owner vhost-user frontend pid 42 uid 0""");
  }

  @Test
  void theConnectedFrontendsTotalsThenTheLastOnesThatLeft() {
    ConnectionStats now = new ConnectionStats("vhost-user frontend pid 42 uid 0", true, null,
        Map.of(1, Map.of("tx_packets", 7L)));
    ConnectionStats last = new ConnectionStats("vhost-user frontend pid 40 uid 0", false,
        "frontend closed the connection", Map.of(0, Map.of("rx_packets", 202L), 1, Map.of("tx_packets", 202L)));
    assertThat(VhostFormat.show(List.of(new VhostFormat.Line("vdpa0", "/s/vdpa0.sock", SocketMode.SERVER, true,
        "vhost-user frontend pid 42 uid 0", List.of(now, last))))).isEqualTo("""
        vdpa0: socket /s/vdpa0.sock owner vhost-user frontend pid 42 uid 0
          this connection: vring 1 tx_packets 7
          last connection (vhost-user frontend pid 40 uid 0, frontend closed the connection): \
        vring 0 rx_packets 202; vring 1 tx_packets 202""");
  }

  @Test
  void aClientModeDeviceSaysWhetherItIsConnectedOrWaiting() {
    assertThat(VhostFormat.show(List.of(
        new VhostFormat.Line("vdpa0", "/tmp/vm0.sock", SocketMode.CLIENT, false, null, List.of()),
        new VhostFormat.Line("vdpa1", "/tmp/vm1.sock", SocketMode.CLIENT, true, "vhost-user frontend pid 42 uid 0",
            List.of()))))
        .isEqualTo("""
        vdpa0: socket /tmp/vm0.sock (client, waiting) owner none
        vdpa1: socket /tmp/vm1.sock (client, connected) owner vhost-user frontend pid 42 uid 0""");
  }

  @Test
  void noDeviceSaysHowToBindOne() {
    assertThat(VhostFormat.show(List.of())).contains("vdpa:dev override DEV vhost_vdpa");
  }
}
