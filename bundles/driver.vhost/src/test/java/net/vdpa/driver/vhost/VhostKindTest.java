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
  void noRingIsReadAheadChainByChain() {
    // the device core touches each transmit batch's frames together instead (NetPairWorker)
    for (int ring = 0; ring < 8; ring++) {
      assertThat(VhostKind.NET.readAhead(ring)).as("net vring %d", ring).isZero();
      assertThat(VhostKind.BLOCK.readAhead(ring)).as("blk vring %d", ring).isZero();
    }
  }

  @Test
  void inOrderIsOfferedForANetworkDevice() {
    // virtio-user's in-order transmit path; the device uses every ring's buffers in the order taken
    assertThat(VhostKind.NET_FEATURES & VirtioNet.bit(VirtioNet.F_IN_ORDER)).isNotZero();
  }
}
