package net.vdpa.driver.virtionet;

import static net.vdpa.api.net.VirtioNet.F_ACCESS_PLATFORM;
import static net.vdpa.api.net.VirtioNet.F_CTRL_MAC_ADDR;
import static net.vdpa.api.net.VirtioNet.F_CTRL_RX;
import static net.vdpa.api.net.VirtioNet.F_CTRL_VQ;
import static net.vdpa.api.net.VirtioNet.F_EVENT_IDX;
import static net.vdpa.api.net.VirtioNet.F_INDIRECT_DESC;
import static net.vdpa.api.net.VirtioNet.F_MAC;
import static net.vdpa.api.net.VirtioNet.F_MQ;
import static net.vdpa.api.net.VirtioNet.F_MRG_RXBUF;
import static net.vdpa.api.net.VirtioNet.F_MTU;
import static net.vdpa.api.net.VirtioNet.F_RING_PACKED;
import static net.vdpa.api.net.VirtioNet.F_RSS;
import static net.vdpa.api.net.VirtioNet.F_STATUS;
import static net.vdpa.api.net.VirtioNet.F_VERSION_1;
import static net.vdpa.api.net.VirtioNet.bit;

import net.vdpa.api.net.VirtioNet;

/**
 * Which features the driver accepts from a device, as pure logic: what it can use, what it must
 * have, and what follows for the queues.
 *
 * @param features the features to write back (a subset of the device's)
 * @param packed whether the rings are packed
 * @param mergeable whether receive buffers may be merged (MRG_RXBUF)
 * @param controlQueue whether there is a control queue
 * @param multiqueue whether the number of queue pairs is set through the control queue (MQ)
 * @param rss whether received frames are spread by RSS, configured through the control queue
 */
record Negotiation(long features, boolean packed, boolean mergeable, boolean controlQueue, boolean multiqueue,
    boolean rss) {

  /** How the driver picks the ring layout. */
  enum RingChoice {
    /** Packed if the device offers it, else split. */
    AUTO,
    /** Always split. */
    SPLIT,
    /** Packed; refuse a device without it. */
    PACKED
  }

  /** Everything this driver knows how to use. */
  static final long WANTED = bit(F_VERSION_1) | bit(F_ACCESS_PLATFORM) | bit(F_MAC) | bit(F_MTU) | bit(F_STATUS)
      | bit(F_CTRL_VQ) | bit(F_CTRL_RX) | bit(F_CTRL_MAC_ADDR) | bit(F_MQ) | bit(F_MRG_RXBUF) | bit(F_EVENT_IDX)
      | bit(F_INDIRECT_DESC) | bit(F_RSS) | bit(VirtioNet.F_HASH_REPORT);

  /**
   * Chooses the features for a device.
   *
   * @param device the device's offered features
   * @param ring how to choose the ring layout
   * @return the choice
   * @throws IllegalStateException naming what is missing if the device cannot be driven
   */
  static Negotiation of(long device, RingChoice ring) {
    if ((device & bit(F_VERSION_1)) == 0) {
      throw new IllegalStateException("the device does not offer VERSION_1 (features 0x" + Long.toHexString(device)
          + "); virtio_net drives virtio 1.x devices only");
    }
    long wanted = WANTED;
    boolean packedOffered = (device & bit(F_RING_PACKED)) != 0;
    if (ring == RingChoice.PACKED && !packedOffered) {
      throw new IllegalStateException("packed rings were asked for but the device does not offer RING_PACKED");
    }
    if (ring != RingChoice.SPLIT && packedOffered) {
      wanted |= bit(F_RING_PACKED);
    }
    long f = device & wanted;
    boolean ctrl = has(f, F_CTRL_VQ);
    if (!ctrl) {
      // these only make sense with a control queue (virtio 1.x 5.1.3.1)
      f &= ~(bit(F_CTRL_RX) | bit(F_CTRL_MAC_ADDR) | bit(F_MQ) | bit(F_RSS) | bit(VirtioNet.F_HASH_REPORT));
    }
    return new Negotiation(f, has(f, F_RING_PACKED), has(f, F_MRG_RXBUF), ctrl, has(f, F_MQ), has(f, F_RSS));
  }

  static boolean has(long features, int bit) {
    return (features & VirtioNet.bit(bit)) != 0;
  }

  boolean has(int bit) {
    return has(features, bit);
  }

  /**
   * Whether the device reports each received frame's hash (HASH_REPORT): the header is then
   * {@code virtio_net_hdr_v1_hash} both ways, and the driver configures the hash through the
   * control queue (RSS_CONFIG with RSS, else HASH_CONFIG).
   *
   * @return true with HASH_REPORT
   */
  boolean hashReport() {
    return has(VirtioNet.F_HASH_REPORT);
  }

  /**
   * The packet header's length in both directions.
   *
   * @return 20 with HASH_REPORT, else 12
   */
  int hdrLen() {
    return VirtioNet.hdrLen(features);
  }
}
