package net.vdpa.driver.virtionet;

import static net.vdpa.api.net.VirtioNet.F_CTRL_VQ;
import static net.vdpa.api.net.VirtioNet.F_MAC;
import static net.vdpa.api.net.VirtioNet.F_MQ;
import static net.vdpa.api.net.VirtioNet.F_MRG_RXBUF;
import static net.vdpa.api.net.VirtioNet.F_RING_PACKED;
import static net.vdpa.api.net.VirtioNet.F_RSS;
import static net.vdpa.api.net.VirtioNet.F_VERSION_1;
import static net.vdpa.api.net.VirtioNet.bit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.vdpa.api.net.VirtioNet;
import org.junit.jupiter.api.Test;

class NegotiationTest {
  @Test
  void refusesADeviceWithoutVersion1() {
    assertThatThrownBy(() -> Negotiation.of(bit(F_MAC), Negotiation.RingChoice.AUTO))
        .hasMessage("the device does not offer VERSION_1 (features 0x20); virtio_net drives virtio 1.x devices only");
  }

  @Test
  void acceptsOnlyWhatItKnowsAndTheDeviceOffers() {
    long offered = bit(F_VERSION_1) | bit(F_MAC) | bit(F_MRG_RXBUF) | bit(50);
    Negotiation n = Negotiation.of(offered, Negotiation.RingChoice.AUTO);
    assertThat(n.features()).isEqualTo(bit(F_VERSION_1) | bit(F_MAC) | bit(F_MRG_RXBUF));
    assertThat(n.mergeable()).isTrue();
    assertThat(n.packed()).isFalse();
  }

  @Test
  void multiqueueNeedsTheControlQueue() {
    long offered = bit(F_VERSION_1) | bit(F_MQ);
    assertThat(Negotiation.of(offered, Negotiation.RingChoice.AUTO).multiqueue()).isFalse();
    Negotiation n = Negotiation.of(offered | bit(F_CTRL_VQ), Negotiation.RingChoice.AUTO);
    assertThat(n.multiqueue()).isTrue();
    assertThat(n.controlQueue()).isTrue();
  }

  @Test
  void rssNeedsTheControlQueue() {
    long offered = bit(F_VERSION_1) | bit(F_MQ) | bit(F_RSS);
    assertThat(Negotiation.of(offered, Negotiation.RingChoice.AUTO).rss()).isFalse();
    assertThat(Negotiation.of(offered, Negotiation.RingChoice.AUTO).features() & bit(F_RSS)).isZero();
    assertThat(Negotiation.of(offered | bit(F_CTRL_VQ), Negotiation.RingChoice.AUTO).rss()).isTrue();
  }

  @Test
  void hashReportIsTakenWithTheControlQueueAndMakesTheHeader20Bytes() {
    long offered = bit(F_VERSION_1) | bit(VirtioNet.F_HASH_REPORT);
    Negotiation without = Negotiation.of(offered, Negotiation.RingChoice.AUTO);
    assertThat(without.hashReport()).isFalse();
    assertThat(without.hdrLen()).isEqualTo(12);
    Negotiation n = Negotiation.of(offered | bit(F_CTRL_VQ), Negotiation.RingChoice.AUTO);
    assertThat(n.hashReport()).isTrue();
    assertThat(n.hdrLen()).isEqualTo(VirtioNet.HDR_LEN_HASH).isEqualTo(20);
  }

  @Test
  void ringChoice() {
    long both = bit(F_VERSION_1) | bit(F_RING_PACKED);
    assertThat(Negotiation.of(both, Negotiation.RingChoice.AUTO).packed()).isTrue();
    assertThat(Negotiation.of(both, Negotiation.RingChoice.SPLIT).packed()).isFalse();
    assertThatThrownBy(() -> Negotiation.of(bit(F_VERSION_1), Negotiation.RingChoice.PACKED))
        .hasMessage("packed rings were asked for but the device does not offer RING_PACKED");
  }
}
