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
  public static final int SUPPORTED_HASH_TYPES = RxHash.SUPPORTED_HASH_TYPES;
  /** The longest indirection table a device of this project takes. */
  public static final int MAX_TABLE = 128;

  private final int[] table;
  private final int mask;
  private final int unclassified;
  private final int txPairs;
  private final RxHash hash;

  private RssConfig(int[] table, int unclassified, int txPairs, RxHash hash) {
    this.table = table;
    this.mask = table.length - 1;
    this.unclassified = unclassified;
    this.txPairs = txPairs;
    this.hash = hash;
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
      RxHash.of(hashTypes, data, offset, 0); // throws, naming the unsupported types
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
      RxHash.of(hashTypes, data, offset, keyLength); // throws, naming the key length
    }
    if (length != fixed + 3 + keyLength) {
      throw new IllegalArgumentException("rss config of " + length + " bytes does not end with its " + keyLength
          + "-byte key");
    }
    return new RssConfig(table, unclassified, txPairs, RxHash.of(hashTypes, data, offset + fixed + 3, keyLength));
  }

  private static int queue(int v, int maxPairs, String what) {
    // struct rss_rq_id: bits 1..16 of the receive virtqueue's index, so the receive queue number
    if (v >= maxPairs) {
      throw new IllegalArgumentException(what + " names receive queue " + v + "; the device has " + maxPairs);
    }
    return v;
  }

  static int le16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  static int le32(byte[] b, int at) {
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
    return queueFor(hash(f));
  }

  /**
   * The receive queue for a frame already hashed by {@link #hash}.
   *
   * @param hashed the frame's {@link RxHash} result
   * @return the queue pair
   */
  public int queueFor(long hashed) {
    return hashed == RxHash.NONE ? unclassified : table[RxHash.value(hashed) & mask];
  }

  /**
   * The frame's hash as {@code hash_types} asks for it.
   *
   * @param f the frame
   * @return an {@link RxHash} result (report code and value), {@link RxHash#NONE} if of no enabled kind
   */
  public long hash(Frame f) {
    return hash.hash(f);
  }
}
