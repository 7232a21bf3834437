package net.vdpa.driver.vhost;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.api.net.VirtioNet;
import org.junit.jupiter.api.Test;

class VhostKindTest {
  @Test
  void aFrontendIsNeverOfferedHashReportOrRss() {
    // the backend shadows the control queue and fills no hash: a frontend that negotiated
    // HASH_REPORT would expect 20-byte headers the device never writes for it
    assertThat(VhostKind.NET_FEATURES & VirtioNet.bit(VirtioNet.F_HASH_REPORT)).isZero();
    assertThat(VhostKind.NET_FEATURES & VirtioNet.bit(VirtioNet.F_RSS)).isZero();
  }
}
