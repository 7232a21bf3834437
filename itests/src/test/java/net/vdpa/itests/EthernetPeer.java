package net.vdpa.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A host written by hand for the tests, outside the runtime: builds the ARP request and ICMP echo
 * requests it sends to an echo responder, and checks the responder's answers field by field, the
 * echoed data byte for byte.
 */
final class EthernetPeer {
  static final byte[] MAC = {0x02, 0, 0, 0, 0, (byte) 0x99};
  static final int IP = 0x0a000002; // 10.0.0.2

  private EthernetPeer() {}

  /** Who has {@code target}? From {@link #MAC}, {@link #IP}, to broadcast. */
  static byte[] arpRequest(int target) {
    ByteBuffer b = ByteBuffer.allocate(42);
    b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(MAC).putShort((short) 0x0806);
    b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
    b.put(MAC).putInt(IP).put(new byte[6]).putInt(target);
    return b.array();
  }

  /** The MAC in an ARP reply from {@code target} to us; fails on anything else. */
  static byte[] arpReplyMac(byte[] f, int target) {
    ByteBuffer b = ByteBuffer.wrap(f);
    assertEquals("ethertype ARP", 0x0806, b.getShort(12) & 0xffff);
    assertArrayEquals("to us", MAC, Arrays.copyOfRange(f, 0, 6));
    assertEquals("a reply", 2, b.getShort(20));
    assertEquals("from the address asked for", target, b.getInt(28));
    assertArrayEquals("to our MAC", MAC, Arrays.copyOfRange(f, 32, 38));
    assertEquals("to our address", IP, b.getInt(38));
    return Arrays.copyOfRange(f, 22, 28);
  }

  /** An echo request to {@code target} at {@code mac} with {@code data}. */
  static byte[] echoRequest(byte[] mac, int target, int id, int seq, byte[] data) {
    int ipLen = 20 + 8 + data.length;
    ByteBuffer b = ByteBuffer.allocate(14 + ipLen);
    b.put(mac).put(MAC).putShort((short) 0x0800);
    b.put((byte) 0x45).put((byte) 0).putShort((short) ipLen).putShort((short) seq).putShort((short) 0x4000)
        .put((byte) 64).put((byte) 1).putShort((short) 0).putInt(IP).putInt(target);
    b.putShort(24, (short) checksum(b.array(), 14, 20));
    b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(data);
    b.putShort(36, (short) checksum(b.array(), 34, 8 + data.length));
    return b.array();
  }

  /** Checks an echo reply to {@link #echoRequest}: addresses swapped, same id, sequence and data. */
  static void checkEchoReply(byte[] f, byte[] mac, int target, int id, int seq, byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(f);
    assertArrayEquals("to our MAC", MAC, Arrays.copyOfRange(f, 0, 6));
    assertArrayEquals("from the responder's MAC", mac, Arrays.copyOfRange(f, 6, 12));
    assertEquals("IPv4", 0x0800, b.getShort(12) & 0xffff);
    assertEquals("from the responder", target, b.getInt(26));
    assertEquals("to us", IP, b.getInt(30));
    assertEquals("a valid IP header checksum", 0, checksum(f, 14, 20));
    assertEquals("an echo reply", 0, f[34]);
    assertEquals("a valid ICMP checksum", 0, checksum(f, 34, 8 + data.length));
    assertEquals("id", id, b.getShort(38) & 0xffff);
    assertEquals("sequence", seq, b.getShort(40) & 0xffff);
    assertArrayEquals("the data echoed", data, Arrays.copyOfRange(f, 42, f.length));
  }

  /** RFC 1071 checksum; 0 over a block whose checksum field is right. */
  static int checksum(byte[] a, int at, int len) {
    long sum = 0;
    for (int i = 0; i < len; i += 2) {
      int hi = a[at + i] & 0xff;
      int lo = i + 1 < len ? a[at + i + 1] & 0xff : 0;
      sum += (hi << 8) | lo;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
