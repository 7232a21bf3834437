package net.vdpa.shell;

import static net.vdpa.shell.PingFrames.be16;
import static net.vdpa.shell.PingFrames.be32;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.MacAddress;
import net.vdpa.api.net.FrameReceiver;
import net.vdpa.api.net.NetInterface;

/**
 * Answers ARP requests for one IPv4 address and ICMP echo requests sent to it, on one interface, so
 * a guest or a remote host can {@code ping} through our devices (testpmd's {@code icmpecho} mode is
 * the model). Everything else is ignored and counted. A reply is built in one buffer kept for the
 * responder's life: nothing is allocated per frame. Frames from several queue pairs are answered
 * one at a time.
 */
final class EchoResponder implements FrameReceiver {
  private static final int ETH_HLEN = 14;
  private static final int ETHERTYPE_ARP = 0x0806;
  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ARP_LEN = 28;
  private static final int ICMP_ECHO_REQUEST = 8;

  private final NetInterface iface;
  private final int address;
  private final byte[] mac;
  private final ByteBuffer reply;

  final AtomicLong arpReplies = new AtomicLong();
  final AtomicLong echoReplies = new AtomicLong();
  final AtomicLong ignored = new AtomicLong();
  final AtomicLong sendFailures = new AtomicLong();

  /**
   * A responder for {@code address} on {@code iface}; it answers once set as the interface's receiver.
   *
   * @param iface the interface to answer on
   * @param address the IPv4 address, as a big-endian int
   */
  EchoResponder(NetInterface iface, int address) {
    this.iface = iface;
    this.address = address;
    this.mac = iface.mac().toBytes();
    this.reply = ByteBuffer.allocateDirect(iface.mtu() + ETH_HLEN).order(ByteOrder.BIG_ENDIAN);
  }

  @Override
  public synchronized void receive(int queuePair, ByteBuffer frame) {
    int p = frame.position();
    int len = frame.remaining();
    if (len < ETH_HLEN) {
      ignored.incrementAndGet();
      return;
    }
    int type = be16(frame, p + 12);
    boolean answered = type == ETHERTYPE_ARP ? arp(frame, p, len) : type == ETHERTYPE_IPV4 && icmp(frame, p, len);
    if (!answered) {
      ignored.incrementAndGet();
      return;
    }
    reply.flip();
    if (iface.send(queuePair, reply) != NetInterface.SendResult.SENT) {
      sendFailures.incrementAndGet();
    }
  }

  /** An ARP request (Ethernet/IPv4) for our address: the reply in {@link #reply}. */
  private boolean arp(ByteBuffer f, int p, int len) {
    int a = p + ETH_HLEN;
    if (len < ETH_HLEN + ARP_LEN || be16(f, a) != 1 || be16(f, a + 2) != ETHERTYPE_IPV4
        || f.get(a + 4) != 6 || f.get(a + 5) != 4 || be16(f, a + 6) != 1 || be32(f, a + 24) != address) {
      return false;
    }
    reply.clear();
    putMac(f, a + 8); // to the sender
    reply.put(mac).putShort((short) ETHERTYPE_ARP);
    reply.putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4).putShort((short) 2);
    reply.put(mac).putInt(address); // sender: us
    putMac(f, a + 8);
    reply.putInt(be32(f, a + 14)); // target: who asked
    arpReplies.incrementAndGet();
    return true;
  }

  /** An ICMP echo request to our address: the echo reply in {@link #reply}. */
  private boolean icmp(ByteBuffer f, int p, int len) {
    int ip = p + ETH_HLEN;
    if (len < ETH_HLEN + 20) {
      return false;
    }
    int ihl = (f.get(ip) & 0x0f) * 4;
    int total = be16(f, ip + 2);
    if ((f.get(ip) & 0xf0) != 0x40 || ihl < 20 || total < ihl + 8 || ETH_HLEN + total > len
        || f.get(ip + 9) != 1 || be32(f, ip + 16) != address || f.get(ip + ihl) != ICMP_ECHO_REQUEST
        || (be16(f, ip + 6) & 0x3fff) != 0 || ETH_HLEN + total > reply.capacity()) {
      return false; // not ours, not an echo request, or a fragment
    }
    reply.clear();
    putMac(f, p + 6);
    reply.put(mac).putShort((short) ETHERTYPE_IPV4);
    for (int i = 0; i < total; i++) {
      reply.put(f.get(ip + i));
    }
    int r = ETH_HLEN;
    reply.putInt(r + 12, address); // source: us
    reply.putInt(r + 16, be32(f, ip + 12)); // destination: who asked
    reply.put(r + 8, (byte) 64); // a fresh TTL
    reply.putShort(r + 10, (short) 0);
    reply.putShort(r + 10, (short) checksum(reply, r, ihl));
    reply.put(r + ihl, (byte) 0); // echo reply, same code, id, sequence and data
    reply.putShort(r + ihl + 2, (short) 0);
    reply.putShort(r + ihl + 2, (short) checksum(reply, r + ihl, total - ihl));
    echoReplies.incrementAndGet();
    return true;
  }

  private void putMac(ByteBuffer f, int at) {
    for (int i = 0; i < 6; i++) {
      reply.put(f.get(at + i));
    }
  }

  /** The Internet checksum (RFC 1071) of {@code len} bytes at {@code at}, absolute positions. */
  static int checksum(ByteBuffer b, int at, int len) {
    long sum = 0;
    int i = 0;
    for (; i + 1 < len; i += 2) {
      sum += be16(b, at + i);
    }
    if (i < len) {
      sum += (b.get(at + i) & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  /** The responder's line for {@code net:echo show}. */
  String describe(String addressText) {
    return iface.name() + ": answering " + addressText + " (mac " + MacAddress.of(mac) + ") arp_replies "
        + arpReplies.get() + " echo_replies " + echoReplies.get() + " ignored " + ignored.get() + " send_failures "
        + sendFailures.get();
  }
}
