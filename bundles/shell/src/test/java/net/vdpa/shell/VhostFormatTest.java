package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.vdpa.api.vhost.SocketMode;
import org.junit.jupiter.api.Test;

class VhostFormatTest {
  @Test
  void oneLinePerDeviceWithItsSocketAndOwner() {
    assertThat(VhostFormat.show(List.of(
        new VhostFormat.Line("vdpa0", "/run/user/0/vdpa-1a2b3c4d/vdpa0.sock", SocketMode.SERVER, false, null),
        new VhostFormat.Line("vdpa1", "/srv/v/vdpa1.sock", SocketMode.SERVER, true, "vhost-user frontend pid 42 uid 0"))))
        .isEqualTo("""
        vdpa0: socket /run/user/0/vdpa-1a2b3c4d/vdpa0.sock owner none
        vdpa1: socket /srv/v/vdpa1.sock owner vhost-user frontend pid 42 uid 0""");
  }

  @Test
  void aClientModeDeviceSaysWhetherItIsConnectedOrWaiting() {
    assertThat(VhostFormat.show(List.of(
        new VhostFormat.Line("vdpa0", "/tmp/vm0.sock", SocketMode.CLIENT, false, null),
        new VhostFormat.Line("vdpa1", "/tmp/vm1.sock", SocketMode.CLIENT, true, "vhost-user frontend pid 42 uid 0"))))
        .isEqualTo("""
        vdpa0: socket /tmp/vm0.sock (client, waiting) owner none
        vdpa1: socket /tmp/vm1.sock (client, connected) owner vhost-user frontend pid 42 uid 0""");
  }

  @Test
  void noDeviceSaysHowToBindOne() {
    assertThat(VhostFormat.show(List.of())).contains("vdpa:dev override DEV vhost_vdpa");
  }
}
