package net.vdpa.shell;

import java.nio.ByteBuffer;

/**
 * The frames {@code net:ping} sends and looks for: an ARP request (Ethernet, IPv4) and an ICMP echo
 * request with its data pattern, and the test of a frame for the matching replies. Positions are
 * absolute from the frame's position; nothing is allocated.
 */
final class PingFrames {
  static final int ETH_HLEN = 14;
  static final int ETHERTYPE_ARP = 0x0806;
  static final int ETHERTYPE_IPV4 = 0x0800;
  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

  private PingFrames() {}

  /** A big-endian (network order) 16-bit field, whatever the buffer's byte order (rings are little-endian). */
  static int be16(ByteBuffer f, int at) {
    return (f.get(at) & 0xff) << 8 | f.get(at + 1) & 0xff;
  }

  /** A big-endian 32-bit field, whatever the buffer's byte order. */
  static int be32(ByteBuffer f, int at) {
    return be16(f, at) << 16 | be16(f, at + 2);
  }

  /** Writes a who-has {@code target} tell {@code sender} request into {@code f} (cleared, then flipped). */
  static void arpRequest(ByteBuffer f, byte[] senderMac, int sender, int target) {
    f.clear();
    f.put(BROADCAST).put(senderMac).putShort((short) ETHERTYPE_ARP);
    f.putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4).putShort((short) 1);
    f.put(senderMac).putInt(sender).put(new byte[6]).putInt(target);
    f.flip();
  }

  /**
   * Writes an ICMP echo request of {@code data} bytes (0, 1, 2, ... as ping's pattern) into {@code f}.
   *
   * @param fragment the IPv4 flags and fragment offset word (0 for a whole datagram)
   */
  static void echoRequest(ByteBuffer f, byte[] dstMac, byte[] srcMac, int src, int dst, int id, int seq, int data,
      int fragment) {
    int total = 20 + 8 + data;
    f.clear();
    f.put(dstMac).put(srcMac).putShort((short) ETHERTYPE_IPV4);
    f.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) seq).putShort((short) fragment);
    f.put((byte) 64).put((byte) 1).putShort((short) 0).putInt(src).putInt(dst);
    f.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq);
    for (int i = 0; i < data; i++) {
      f.put((byte) i);
    }
    f.putShort(ETH_HLEN + 10, (short) EchoResponder.checksum(f, ETH_HLEN, 20));
    f.putShort(ETH_HLEN + 22, (short) EchoResponder.checksum(f, ETH_HLEN + 20, 8 + data));
    f.flip();
  }

  /** Whether {@code f} is an ARP reply from {@code target}; if so its sender MAC goes into {@code mac}. */
  static boolean isArpReplyFrom(ByteBuffer f, int target, byte[] mac) {
    int p = f.position();
    int a = p + ETH_HLEN;
    if (f.remaining() < ETH_HLEN + 28 || be16(f, p + 12) != ETHERTYPE_ARP || be16(f, a + 6) != 2
        || be32(f, a + 14) != target) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      mac[i] = f.get(a + 8 + i);
    }
    return true;
  }

  /** The sequence number of an echo reply from {@code from} with our {@code id}, or -1. */
  static int echoReplySeq(ByteBuffer f, int from, int id) {
    int p = f.position();
    int ip = p + ETH_HLEN;
    if (f.remaining() < ETH_HLEN + 28 || be16(f, p + 12) != ETHERTYPE_IPV4 || f.get(ip + 9) != 1
        || be32(f, ip + 12) != from) {
      return -1;
    }
    int icmp = ip + (f.get(ip) & 0x0f) * 4;
    if (icmp + 8 > f.limit() || f.get(icmp) != 0 || be16(f, icmp + 4) != id) {
      return -1;
    }
    return be16(f, icmp + 6) & 0xffff;
  }
}
