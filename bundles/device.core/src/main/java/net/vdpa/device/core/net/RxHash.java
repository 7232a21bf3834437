package net.vdpa.device.core.net;

import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.VirtioNet;

/**
 * The hash of a received frame as virtio-net defines it for RSS and HASH_REPORT (virtio 1.2
 * §5.1.6.4.3): the Toeplitz hash over the IPv4 or IPv6 addresses, and the TCP or UDP ports when
 * the enabled hash types ask for them, plus which of those kinds ({@link HashReport}) was hashed.
 * One instance per driver configuration: RSS_CONFIG's, or HASH_CONFIG's when only HASH_REPORT is
 * negotiated.
 *
 * <p>A result is one {@code long} so that hashing allocates nothing: the {@link HashReport} code in
 * the upper 32 bits, the hash value in the lower ({@link #value}, {@link #report}); {@link #NONE}
 * (0) for a frame of no enabled kind. The {@code _EX} kinds (IPv6 extension headers) are not
 * supported, so never reported.
 *
 * <p>Immutable; any thread.
 */
public final class RxHash {
  /** The hash types this project's devices compute (no {@code _EX} kinds): supported_hash_types. */
  public static final int SUPPORTED_HASH_TYPES = VirtioNet.RSS_HASH_IPV4 | VirtioNet.RSS_HASH_TCPV4
      | VirtioNet.RSS_HASH_UDPV4 | VirtioNet.RSS_HASH_IPV6 | VirtioNet.RSS_HASH_TCPV6 | VirtioNet.RSS_HASH_UDPV6;
  /** No hash: report NONE, value 0. */
  public static final long NONE = 0L;

  private static final int ETH_P_8021Q = 0x8100;
  private static final int ETH_P_IP = 0x0800;
  private static final int ETH_P_IPV6 = 0x86dd;
  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final long IPV4 = (long) HashReport.IPV4.code() << 32;
  private static final long TCPV4 = (long) HashReport.TCPV4.code() << 32;
  private static final long UDPV4 = (long) HashReport.UDPV4.code() << 32;
  private static final long IPV6 = (long) HashReport.IPV6.code() << 32;
  private static final long TCPV6 = (long) HashReport.TCPV6.code() << 32;
  private static final long UDPV6 = (long) HashReport.UDPV6.code() << 32;

  private final int hashTypes;
  private final Toeplitz toeplitz;

  private RxHash(int hashTypes, Toeplitz toeplitz) {
    this.hashTypes = hashTypes;
    this.toeplitz = toeplitz;
  }

  /**
   * Checks hash types and a key as a configuration command carries them.
   *
   * @param hashTypes the driver's {@code hash_types}
   * @param data the command
   * @param keyAt where the key starts
   * @param keyLength {@code hash_key_length}
   * @return the hash
   * @throws IllegalArgumentException naming an unsupported type or a key not {@link VirtioNet#RSS_KEY_SIZE} long
   */
  static RxHash of(int hashTypes, byte[] data, int keyAt, int keyLength) {
    if ((hashTypes & ~SUPPORTED_HASH_TYPES) != 0) {
      throw new IllegalArgumentException("hash types 0x" + Integer.toHexString(hashTypes) + " include unsupported 0x"
          + Integer.toHexString(hashTypes & ~SUPPORTED_HASH_TYPES));
    }
    if (keyLength != VirtioNet.RSS_KEY_SIZE) {
      throw new IllegalArgumentException("hash key of " + keyLength + " bytes is not " + VirtioNet.RSS_KEY_SIZE);
    }
    final byte[] key = new byte[keyLength];
    System.arraycopy(data, keyAt, key, 0, keyLength);
    return new RxHash(hashTypes, new Toeplitz(key));
  }

  /**
   * Reads and checks {@code struct virtio_net_hash_config} (VIRTIO_NET_CTRL_MQ_HASH_CONFIG): {@code
   * le32 hash_types, le16 reserved[4], u8 hash_key_length, u8 hash_key_data[]}. Linux sends it in
   * the layout of an RSS configuration with a one-entry table, which is the same bytes; the
   * reserved words are ignored.
   *
   * @param data the command's data (after class and command)
   * @param offset where it starts in {@code data}
   * @param length its length
   * @return the hash
   * @throws IllegalArgumentException naming what is wrong (the device answers CTRL_ERR)
   */
  public static RxHash parseHashConfig(byte[] data, int offset, int length) {
    final int fixed = 4 + 8 + 1;
    if (length < fixed) {
      throw new IllegalArgumentException("hash config of " + length + " bytes is too short");
    }
    final int keyLength = data[offset + 12] & 0xff;
    if (length != fixed + keyLength) {
      throw new IllegalArgumentException("hash config of " + length + " bytes does not end with its " + keyLength
          + "-byte key");
    }
    return of(RssConfig.le32(data, offset), data, offset + fixed, keyLength);
  }

  /**
   * The hash value of a result.
   *
   * @param result from {@link #hash}
   * @return the 32-bit Toeplitz hash (0 for {@link #NONE})
   */
  public static int value(long result) {
    return (int) result;
  }

  /**
   * The report code of a result.
   *
   * @param result from {@link #hash}
   * @return a {@link HashReport} code, 0 for none
   */
  public static int report(long result) {
    return (int) (result >>> 32);
  }

  /**
   * Hashes a frame as the hash types ask (an 802.1Q tag is skipped; an IPv4 fragment is hashed by
   * its addresses only).
   *
   * @param f the frame, Ethernet header first
   * @return report code and value, or {@link #NONE}
   */
  public long hash(Frame f) {
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
    return NONE;
  }

  private long ipv4(Frame f, int l3, int len) {
    final int ihl = (f.u8(l3) & 0x0f) * 4;
    final int proto = f.u8(l3 + 9);
    final boolean fragment = ((f.u8(l3 + 6) & 0x3f) << 8 | f.u8(l3 + 7)) != 0; // MF or an offset
    final int l4 = l3 + ihl;
    final boolean tcp = proto == TCP && (hashTypes & VirtioNet.RSS_HASH_TCPV4) != 0;
    final boolean ports = ihl >= 20 && !fragment && len >= l4 + 4
        && (tcp || proto == UDP && (hashTypes & VirtioNet.RSS_HASH_UDPV4) != 0);
    if (!ports && (hashTypes & VirtioNet.RSS_HASH_IPV4) == 0) {
      return NONE;
    }
    int h = bytes(f, l3 + 12, 8, 0, 0);
    if (!ports) {
      return IPV4 | (h & 0xffff_ffffL);
    }
    h = bytes(f, l4, 4, 8, h);
    return (tcp ? TCPV4 : UDPV4) | (h & 0xffff_ffffL);
  }

  private long ipv6(Frame f, int l3, int len) {
    final int next = f.u8(l3 + 6);
    final int l4 = l3 + 40;
    final boolean tcp = next == TCP && (hashTypes & VirtioNet.RSS_HASH_TCPV6) != 0;
    final boolean ports = len >= l4 + 4 && (tcp || next == UDP && (hashTypes & VirtioNet.RSS_HASH_UDPV6) != 0);
    if (!ports && (hashTypes & VirtioNet.RSS_HASH_IPV6) == 0) {
      return NONE;
    }
    int h = bytes(f, l3 + 8, 32, 0, 0);
    if (!ports) {
      return IPV6 | (h & 0xffff_ffffL);
    }
    h = bytes(f, l4, 4, 32, h);
    return (tcp ? TCPV6 : UDPV6) | (h & 0xffff_ffffL);
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
