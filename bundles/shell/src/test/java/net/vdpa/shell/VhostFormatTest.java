package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VhostFormatTest {
  @Test
  void oneLinePerDeviceWithItsSocketAndOwner() {
    assertThat(VhostFormat.show(List.of(new VhostFormat.Line("vdpa0", "/run/user/0/vdpa-1a2b3c4d/vdpa0.sock", null),
        new VhostFormat.Line("vdpa1", "/srv/v/vdpa1.sock", "vhost-user frontend pid 42 uid 0")))).isEqualTo("""
        vdpa0: socket /run/user/0/vdpa-1a2b3c4d/vdpa0.sock owner none
        vdpa1: socket /srv/v/vdpa1.sock owner vhost-user frontend pid 42 uid 0""");
  }

  @Test
  void noDeviceSaysHowToBindOne() {
    assertThat(VhostFormat.show(List.of())).contains("vdpa:dev override DEV vhost_vdpa");
  }
}
