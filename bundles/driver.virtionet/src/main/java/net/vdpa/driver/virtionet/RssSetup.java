package net.vdpa.driver.virtionet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.net.VirtioNet;

/**
 * The RSS configuration the driver gives a device that offers RSS and several queue pairs: every
 * hash type both support, an indirection table spreading the hash evenly over the pairs (as
 * Linux's {@code ethtool_rxfh_indir_default}), the default Toeplitz key (the one of Microsoft's
 * verification suite, which DPDK's PMDs use too), unclassified frames on pair 0.
 *
 * @param hashTypes the kinds of packet hashed
 * @param tableLength the indirection table's entries, a power of two
 * @param pairs the queue pairs spread over and transmitted on
 */
record RssSetup(int hashTypes, int tableLength, int pairs) {
  /** What this driver asks to be hashed, where the device supports it. */
  static final int WANTED_HASH_TYPES = VirtioNet.RSS_HASH_IPV4 | VirtioNet.RSS_HASH_TCPV4 | VirtioNet.RSS_HASH_UDPV4
      | VirtioNet.RSS_HASH_IPV6 | VirtioNet.RSS_HASH_TCPV6 | VirtioNet.RSS_HASH_UDPV6;
  /** The longest table the driver writes (a control command holds it). */
  static final int MAX_TABLE = 128;
  private static final byte[] KEY = {
      0x6d, 0x5a, 0x56, (byte) 0xda, 0x25, 0x5b, 0x0e, (byte) 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, (byte) 0xa3,
      (byte) 0x8f, (byte) 0xb0, (byte) 0xd0, (byte) 0xca, 0x2b, (byte) 0xcb, (byte) 0xae, 0x7b, 0x30, (byte) 0xb4,
      0x77, (byte) 0xcb, 0x2d, (byte) 0xa3, (byte) 0x80, 0x30, (byte) 0xf2, 0x0c, 0x6a, 0x42, (byte) 0xb7, 0x3b,
      (byte) 0xbe, (byte) 0xac, 0x01, (byte) 0xfa};

  /**
   * The setup for a device, from its config space.
   *
   * @param config the device's config space from offset 0, at least {@link VirtioNet#CFG_SIZE_RSS} bytes
   * @param pairs the queue pairs the driver uses
   * @return the setup
   * @throws IllegalStateException naming the limit if the device cannot take the default key or any table
   */
  static RssSetup of(ByteBuffer config, int pairs) {
    int types = hashTypes(config);
    int maxTable = Short.toUnsignedInt(config.getShort(VirtioNet.CFG_RSS_MAX_INDIRECTION_TABLE_LENGTH));
    int table = Integer.highestOneBit(Math.min(MAX_TABLE, maxTable));
    if (table < 1) {
      throw new IllegalStateException("the device's rss_max_indirection_table_length is 0");
    }
    return new RssSetup(types, table, pairs);
  }

  /** The hash types to ask for, once the device's key size is checked. */
  private static int hashTypes(ByteBuffer config) {
    int keySize = config.get(VirtioNet.CFG_RSS_MAX_KEY_SIZE) & 0xff;
    if (keySize < KEY.length) {
      throw new IllegalStateException("the device's rss_max_key_size " + keySize + " is below the " + KEY.length
          + "-byte key");
    }
    return config.getInt(VirtioNet.CFG_SUPPORTED_HASH_TYPES) & WANTED_HASH_TYPES;
  }

  /**
   * {@code struct virtio_net_hash_config} for a device that reports hashes without RSS
   * (HASH_CONFIG): the hash types both support and the default key; no indirection table.
   *
   * @param config the device's config space from offset 0, at least {@link VirtioNet#CFG_SIZE_RSS} bytes
   * @return the command's data
   * @throws IllegalStateException naming the limit if the device cannot take the default key
   */
  static byte[] hashCommand(ByteBuffer config) {
    ByteBuffer b = ByteBuffer.allocate(4 + 8 + 1 + KEY.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putInt(hashTypes(config)).putLong(0L).put((byte) KEY.length).put(KEY).array();
  }

  /**
   * {@code struct virtio_net_rss_config} for this setup.
   *
   * @return the command's data
   */
  byte[] command() {
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + 2 + 2 * tableLength + 2 + 1 + KEY.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(hashTypes).putShort((short) (tableLength - 1)).putShort((short) 0);
    for (int i = 0; i < tableLength; i++) {
      b.putShort((short) (i % pairs));
    }
    b.putShort((short) pairs).put((byte) KEY.length).put(KEY);
    return b.array();
  }
}
