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

  @Test
  void theDeviceReadsAheadInNetworkTransmitRingsOnly() {
    for (int ring = 0; ring < 8; ring++) {
      assertThat(VhostKind.NET.readAhead(ring)).as("net vring %d", ring)
          .isEqualTo(ring % 2 == 1 ? VhostKind.TRANSMIT_READ_AHEAD : 0);
      assertThat(VhostKind.BLOCK.readAhead(ring)).as("blk vring %d", ring).isZero();
    }
    assertThat(VhostKind.TRANSMIT_READ_AHEAD).isBetween(1, net.vdpa.api.VdpaDevice.MAX_VQ_READ_AHEAD);
  }
}
