package net.vdpa.api.net;

/**
 * The virtio-net device's constants (virtio 1.x section 5.1): feature bits, config space layout,
 * the packet header, control queue classes and commands. Shared by network devices and drivers so
 * that both speak the same bytes.
 */
public final class VirtioNet {
  // ---- feature bits (bit numbers) ----
  /** Device handles packets with partial checksum. */
  public static final int F_CSUM = 0;
  /** Driver handles packets with partial checksum. */
  public static final int F_GUEST_CSUM = 1;
  /** Config space reports the MTU. */
  public static final int F_MTU = 3;
  /** Config space has a MAC address. */
  public static final int F_MAC = 5;
  /** Driver can merge receive buffers. */
  public static final int F_MRG_RXBUF = 15;
  /** Config space has the link status. */
  public static final int F_STATUS = 16;
  /** There is a control queue. */
  public static final int F_CTRL_VQ = 17;
  /** Control queue: receive mode (promiscuous, all-multicast). */
  public static final int F_CTRL_RX = 18;
  /** Several queue pairs, steered by the control queue. */
  public static final int F_MQ = 22;
  /** Control queue: set the MAC address. */
  public static final int F_CTRL_MAC_ADDR = 23;
  /** Ring: indirect descriptors. */
  public static final int F_INDIRECT_DESC = 28;
  /** Ring: used_event / avail_event. */
  public static final int F_EVENT_IDX = 29;
  /** Transport: virtio 1.x. */
  public static final int F_VERSION_1 = 32;
  /** Transport: the device sits behind an IOMMU (IOVAs, not physical addresses). */
  public static final int F_ACCESS_PLATFORM = 33;
  /** Ring: packed layout. */
  public static final int F_RING_PACKED = 34;
  /** Ring: buffers used in the order made available. */
  public static final int F_IN_ORDER = 35;
  /**
   * The device reports each received frame's hash in the extended header {@code struct
   * virtio_net_hdr_v1_hash} ({@link #HDR_LEN_HASH} bytes, in both directions; needs CTRL_VQ).
   */
  public static final int F_HASH_REPORT = 57;
  /** Receive-side scaling: the driver configures the Toeplitz key and indirection table (needs CTRL_VQ). */
  public static final int F_RSS = 60;

  // ---- config space (little-endian) ----
  /** Offset of {@code mac[6]}. */
  public static final int CFG_MAC = 0;
  /** Offset of {@code le16 status}. */
  public static final int CFG_STATUS = 6;
  /** Offset of {@code le16 max_virtqueue_pairs}. */
  public static final int CFG_MAX_VQ_PAIRS = 8;
  /** Offset of {@code le16 mtu}. */
  public static final int CFG_MTU = 10;
  /** Size of the config space this project uses without RSS. */
  public static final int CFG_SIZE = 12;
  /** Offset of {@code u8 rss_max_key_size} (with RSS). */
  public static final int CFG_RSS_MAX_KEY_SIZE = 17;
  /** Offset of {@code le16 rss_max_indirection_table_length} (with RSS). */
  public static final int CFG_RSS_MAX_INDIRECTION_TABLE_LENGTH = 18;
  /** Offset of {@code le32 supported_hash_types} (with RSS). */
  public static final int CFG_SUPPORTED_HASH_TYPES = 20;
  /** Size of the config space of a device that offers RSS (through {@code supported_hash_types}). */
  public static final int CFG_SIZE_RSS = 24;
  /** Config status bit: link up. */
  public static final int S_LINK_UP = 1;
  /** Config status bit: the driver should announce itself (gratuitous ARP). */
  public static final int S_ANNOUNCE = 2;

  // ---- packet header ----
  /** Size of {@code struct virtio_net_hdr} with VERSION_1 (num_buffers included). */
  public static final int HDR_LEN = 12;
  /** Offset of {@code le16 num_buffers} in the header (mergeable receive buffers). */
  public static final int HDR_NUM_BUFFERS = 10;
  /**
   * Size of {@code struct virtio_net_hdr_v1_hash} (virtio 1.2 §5.1.6.4.3): the 12-byte header, {@code
   * le32 hash_value}, {@code le16 hash_report}, {@code le16 padding}; the header of both directions
   * once HASH_REPORT is negotiated.
   */
  public static final int HDR_LEN_HASH = 20;
  /** Offset of {@code le32 hash_value} in the extended header. */
  public static final int HDR_HASH_VALUE = 12;
  /** Offset of {@code le16 hash_report} in the extended header (a {@link HashReport} code). */
  public static final int HDR_HASH_REPORT = 16;
  /** Offset of {@code le16 padding} in the extended header (written 0). */
  public static final int HDR_HASH_PADDING = 18;

  // ---- control queue ----
  /** Control ack: success. */
  public static final int CTRL_OK = 0;
  /** Control ack: failure. */
  public static final int CTRL_ERR = 1;
  /** Class: receive mode. */
  public static final int CTRL_RX = 0;
  /** RX command: promiscuous on/off (one byte). */
  public static final int CTRL_RX_PROMISC = 0;
  /** RX command: all-multicast on/off (one byte). */
  public static final int CTRL_RX_ALLMULTI = 1;
  /** Class: MAC. */
  public static final int CTRL_MAC = 1;
  /** MAC command: set the address (six bytes). */
  public static final int CTRL_MAC_ADDR_SET = 1;
  /** Class: multiqueue. */
  public static final int CTRL_MQ = 4;
  /** MQ command: number of queue pairs to use (le16). */
  public static final int CTRL_MQ_VQ_PAIRS_SET = 0;
  /**
   * MQ command: {@code struct virtio_net_rss_config} — {@code le32 hash_types, le16
   * indirection_table_mask, le16 unclassified_queue, le16 indirection_table[mask + 1], le16
   * max_tx_vq, u8 hash_key_length, u8 hash_key_data[]} (with RSS).
   */
  public static final int CTRL_MQ_RSS_CONFIG = 1;
  /**
   * MQ command: {@code struct virtio_net_hash_config} — {@code le32 hash_types, le16 reserved[4], u8
   * hash_key_length, u8 hash_key_data[]}: what the device hashes for HASH_REPORT, without steering
   * (with HASH_REPORT; virtio 1.2 §5.1.6.5.6.4).
   */
  public static final int CTRL_MQ_HASH_CONFIG = 2;

  // ---- RSS hash types (supported_hash_types, hash_types) ----
  /** Hash over the IPv4 source and destination addresses. */
  public static final int RSS_HASH_IPV4 = 1;
  /** Hash over the IPv4 addresses and the TCP ports. */
  public static final int RSS_HASH_TCPV4 = 1 << 1;
  /** Hash over the IPv4 addresses and the UDP ports. */
  public static final int RSS_HASH_UDPV4 = 1 << 2;
  /** Hash over the IPv6 source and destination addresses. */
  public static final int RSS_HASH_IPV6 = 1 << 3;
  /** Hash over the IPv6 addresses and the TCP ports. */
  public static final int RSS_HASH_TCPV6 = 1 << 4;
  /** Hash over the IPv6 addresses and the UDP ports. */
  public static final int RSS_HASH_UDPV6 = 1 << 5;
  /** The Toeplitz key length every RSS implementation takes: 40 bytes. */
  public static final int RSS_KEY_SIZE = 40;

  /** Ethernet header length. */
  public static final int ETH_HLEN = 14;
  /** Shortest Ethernet frame without FCS. */
  public static final int ETH_ZLEN = 60;

  /** Feature names by bit number (virtio 1.x and linux/virtio_net.h); null where none is defined. */
  private static final String[] NAMES = {"CSUM", "GUEST_CSUM", "CTRL_GUEST_OFFLOADS", "MTU", null, "MAC", null,
      "GUEST_TSO4", "GUEST_TSO6", "GUEST_ECN", "GUEST_UFO", "HOST_TSO4", "HOST_TSO6", "HOST_ECN", "HOST_UFO",
      "MRG_RXBUF", "STATUS", "CTRL_VQ", "CTRL_RX", "CTRL_VLAN", "CTRL_RX_EXTRA", "GUEST_ANNOUNCE", "MQ",
      "CTRL_MAC_ADDR", "NOTIFY_ON_EMPTY", null, null, "ANY_LAYOUT", "INDIRECT_DESC", "EVENT_IDX", null, null,
      "VERSION_1", "ACCESS_PLATFORM", "RING_PACKED", "IN_ORDER", "ORDER_PLATFORM", "SR_IOV", "NOTIFICATION_DATA",
      null, "RING_RESET", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, "HASH_REPORT", null, null, "RSS", "RSC_EXT", "STANDBY", "SPEED_DUPLEX"};

  private VirtioNet() {}

  /**
   * The feature mask of one bit.
   *
   * @param bit bit number
   * @return {@code 1L << bit}
   */
  public static long bit(int bit) {
    return 1L << bit;
  }

  /**
   * The virtio name of a feature bit, as iproute2 prints it ({@code MRG_RXBUF}), or {@code bit_N}.
   *
   * @param bit bit number
   * @return the name
   */
  public static String featureName(int bit) {
    String n = bit >= 0 && bit < NAMES.length ? NAMES[bit] : null;
    return n != null ? n : "bit_" + bit;
  }

  /**
   * Feature names in bit order, separated by spaces.
   *
   * @param features the feature bits
   * @return for example {@code "MTU MAC CTRL_VQ VERSION_1"}
   */
  public static String featureNames(long features) {
    return net.vdpa.api.FeatureBits.names(features, VirtioNet::featureName);
  }

  /**
   * The length of the packet header under negotiated features.
   *
   * @param features the negotiated features
   * @return {@link #HDR_LEN_HASH} with HASH_REPORT, else {@link #HDR_LEN}
   */
  public static int hdrLen(long features) {
    return (features & bit(F_HASH_REPORT)) != 0 ? HDR_LEN_HASH : HDR_LEN;
  }

  /**
   * The data virtqueue index of a queue pair's receive queue.
   *
   * @param pair queue pair
   * @return {@code 2 * pair}
   */
  public static int rxq(int pair) {
    return 2 * pair;
  }

  /**
   * The data virtqueue index of a queue pair's transmit queue.
   *
   * @param pair queue pair
   * @return {@code 2 * pair + 1}
   */
  public static int txq(int pair) {
    return 2 * pair + 1;
  }
}
