package net.vdpa.device.core.net;

import net.vdpa.api.net.VirtioNet;

/**
 * One receive-side scaling configuration as a driver set it with {@code VIRTIO_NET_CTRL_MQ_RSS_CONFIG}
 * (virtio 1.2 §5.1.6.5.7): which packet kinds are hashed, the Toeplitz key, the indirection table
 * from hash to receive queue, the queue for what is not hashed, and how many queue pairs transmit.
 * {@link #queueFor} picks a received frame's queue.
 *
 * <p>Immutable once parsed; any thread. Picking a queue allocates nothing.
 */
public final class RssConfig {
  /** What this project's devices hash: IPv4 and IPv6, each with TCP and UDP ports (no extension-header kinds). */
  public static final int SUPPORTED_HASH_TYPES = VirtioNet.RSS_HASH_IPV4 | VirtioNet.RSS_HASH_TCPV4
      | VirtioNet.RSS_HASH_UDPV4 | VirtioNet.RSS_HASH_IPV6 | VirtioNet.RSS_HASH_TCPV6 | VirtioNet.RSS_HASH_UDPV6;
  /** The longest indirection table a device of this project takes. */
  public static final int MAX_TABLE = 128;

  private static final int ETH_P_8021Q = 0x8100;
  private static final int ETH_P_IP = 0x0800;
  private static final int ETH_P_IPV6 = 0x86dd;
  private static final int TCP = 6;
  private static final int UDP = 17;

  private final int hashTypes;
  private final int[] table;
  private final int mask;
  private final int unclassified;
  private final int txPairs;
  private final Toeplitz toeplitz;

  private RssConfig(int hashTypes, int[] table, int unclassified, int txPairs, Toeplitz toeplitz) {
    this.hashTypes = hashTypes;
    this.table = table;
    this.mask = table.length - 1;
    this.unclassified = unclassified;
    this.txPairs = txPairs;
    this.toeplitz = toeplitz;
  }

  /**
   * Reads and checks {@code struct virtio_net_rss_config}.
   *
   * @param data the command's data (after class and command)
   * @param offset where it starts in {@code data}
   * @param length its length
   * @param maxPairs the device's queue pairs: every queue named must be below
   * @return the configuration
   * @throws IllegalArgumentException naming what is wrong (the device answers CTRL_ERR)
   */
  public static RssConfig parse(byte[] data, int offset, int length, int maxPairs) {
    if (length < 4 + 2 + 2 + 2 + 2 + 1) {
      throw new IllegalArgumentException("rss config of " + length + " bytes is too short");
    }
    final int hashTypes = le32(data, offset);
    if ((hashTypes & ~SUPPORTED_HASH_TYPES) != 0) {
      throw new IllegalArgumentException("hash types 0x" + Integer.toHexString(hashTypes) + " include unsupported 0x"
          + Integer.toHexString(hashTypes & ~SUPPORTED_HASH_TYPES));
    }
    final int tableLength = le16(data, offset + 4) + 1;
    if (Integer.bitCount(tableLength) != 1 || tableLength > MAX_TABLE) {
      throw new IllegalArgumentException("indirection table of " + tableLength + " entries is not a power of 2 up to "
          + MAX_TABLE);
    }
    final int unclassified = queue(le16(data, offset + 6), maxPairs, "unclassified queue");
    final int fixed = 4 + 2 + 2 + 2 * tableLength;
    if (length < fixed + 2 + 1) {
      throw new IllegalArgumentException("rss config of " + length + " bytes ends inside its indirection table");
    }
    final int[] table = new int[tableLength];
    for (int i = 0; i < tableLength; i++) {
      table[i] = queue(le16(data, offset + 8 + 2 * i), maxPairs, "indirection table entry " + i);
    }
    final int txPairs = le16(data, offset + fixed);
    if (txPairs < 1 || txPairs > maxPairs) {
      throw new IllegalArgumentException("max_tx_vq " + txPairs + " is outside 1.." + maxPairs);
    }
    final int keyLength = data[offset + fixed + 2] & 0xff;
    if (keyLength != VirtioNet.RSS_KEY_SIZE) {
      throw new IllegalArgumentException("hash key of " + keyLength + " bytes is not " + VirtioNet.RSS_KEY_SIZE);
    }
    if (length != fixed + 3 + keyLength) {
      throw new IllegalArgumentException("rss config of " + length + " bytes does not end with its " + keyLength
          + "-byte key");
    }
    final byte[] key = new byte[keyLength];
    System.arraycopy(data, offset + fixed + 3, key, 0, keyLength);
    return new RssConfig(hashTypes, table, unclassified, txPairs, new Toeplitz(key));
  }

  private static int queue(int v, int maxPairs, String what) {
    // struct rss_rq_id: bits 1..16 of the receive virtqueue's index, so the receive queue number
    if (v >= maxPairs) {
      throw new IllegalArgumentException(what + " names receive queue " + v + "; the device has " + maxPairs);
    }
    return v;
  }

  private static int le16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  private static int le32(byte[] b, int at) {
    return le16(b, at) | le16(b, at + 2) << 16;
  }

  /**
   * The queue pairs the driver transmits on ({@code max_tx_vq}); the command has the effect of
   * {@code VQ_PAIRS_SET} with it.
   *
   * @return 1 to the device's pairs
   */
  public int txPairs() {
    return txPairs;
  }

  /**
   * The receive queue for a frame: the indirection table's entry for its hash, or the unclassified
   * queue when the frame is of no kind being hashed.
   *
   * @param f the frame
   * @return the queue pair
   */
  public int queueFor(Frame f) {
    final long hash = hash(f);
    return hash == NO_HASH ? unclassified : table[(int) hash & mask];
  }

  /** No hash: the frame is of no enabled kind. A real hash may have any 32-bit value, so this is a long. */
  static final long NO_HASH = -1L << 32;

  /**
   * The frame's RSS hash as {@code hash_types} asks for it.
   *
   * @param f the frame
   * @return the hash as an unsigned 32-bit value, or {@link #NO_HASH}
   */
  long hash(Frame f) {
    final int len = f.length();
    int l3 = VirtioNet.ETH_HLEN;
    int type = f.u8(12) << 8 | f.u8(13);
    if (type == ETH_P_8021Q && len >= 18) {
      type = f.u8(16) << 8 | f.u8(17);
      l3 = 18;
    }
    if (type == ETH_P_IP && len >= l3 + 20 && (f.u8(l3) >>> 4) == 4) {
      return ipv4(f, l3, len);
    }
    if (type == ETH_P_IPV6 && len >= l3 + 40 && (f.u8(l3) >>> 4) == 6) {
      return ipv6(f, l3, len);
    }
    return NO_HASH;
  }

  private long ipv4(Frame f, int l3, int len) {
    final int ihl = (f.u8(l3) & 0x0f) * 4;
    final int proto = f.u8(l3 + 9);
    final boolean fragment = ((f.u8(l3 + 6) & 0x3f) << 8 | f.u8(l3 + 7)) != 0; // MF or an offset
    final int l4 = l3 + ihl;
    final boolean ports = ihl >= 20 && !fragment && len >= l4 + 4
        && (proto == TCP && (hashTypes & VirtioNet.RSS_HASH_TCPV4) != 0
            || proto == UDP && (hashTypes & VirtioNet.RSS_HASH_UDPV4) != 0);
    if (!ports && (hashTypes & VirtioNet.RSS_HASH_IPV4) == 0) {
      return NO_HASH;
    }
    int h = bytes(f, l3 + 12, 8, 0, 0);
    if (ports) {
      h = bytes(f, l4, 4, 8, h);
    }
    return h & 0xffff_ffffL;
  }

  private long ipv6(Frame f, int l3, int len) {
    final int next = f.u8(l3 + 6);
    final int l4 = l3 + 40;
    final boolean ports = len >= l4 + 4
        && (next == TCP && (hashTypes & VirtioNet.RSS_HASH_TCPV6) != 0
            || next == UDP && (hashTypes & VirtioNet.RSS_HASH_UDPV6) != 0);
    if (!ports && (hashTypes & VirtioNet.RSS_HASH_IPV6) == 0) {
      return NO_HASH;
    }
    int h = bytes(f, l3 + 8, 32, 0, 0);
    if (ports) {
      h = bytes(f, l4, 4, 32, h);
    }
    return h & 0xffff_ffffL;
  }

  /** Adds {@code n} frame bytes from {@code at} to the hash, as input bytes from {@code index}. */
  private int bytes(Frame f, int at, int n, int index, int hash) {
    int h = hash;
    for (int i = 0; i < n; i++) {
      h = toeplitz.add(h, index + i, f.u8(at + i));
    }
    return h;
  }
}
