package net.vdpa.shell;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.net.NetInterface;

/**
 * One {@code net:ping} run on an interface: ARP for the target's MAC (three tries, a second each),
 * then {@code count} echo requests one after the other, each waiting up to a second for its reply.
 * The interface's receiver is ours for the run and put back to polling at the end. Output in ping's
 * words, with spaces instead of {@code =} so each value is its own token.
 */
final class Ping {
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int ARP_TRIES = 3;

  /** What to ping, from where, how many times, with how much data. */
  record Request(String iface, int target, String targetText, Integer from, int count, int size) {
    static Request parse(String... argv) {
      Integer from = null;
      int count = 3;
      int size = 56;
      List<String> words = new ArrayList<>();
      for (int i = 0; i < argv.length; i++) {
        String w = argv[i];
        if ((w.equals("count") || w.equals("size") || w.equals("from")) && i + 1 < argv.length) {
          String v = argv[++i];
          switch (w) {
            case "count" -> count = bounded("count", v, 1, 1000);
            case "size" -> size = bounded("size", v, 0, 9000);
            default -> from = EchoCommands.ipv4(v);
          }
        } else {
          words.add(w);
        }
      }
      if (words.size() != 2) {
        throw new IllegalArgumentException("usage: net:ping [count N] [size BYTES] [from ADDRESS] IF ADDRESS");
      }
      return new Request(words.get(0), EchoCommands.ipv4(words.get(1)), words.get(1), from, count, size);
    }

    private static int bounded(String name, String v, int min, int max) {
      int n = DevAddArgs.number(name, v);
      if (n < min || n > max) {
        throw new IllegalArgumentException(name + " " + n + " is out of range (" + min + " to " + max + ")");
      }
      return n;
    }
  }

  private final NetInterface iface;
  private final Request req;
  private final int source;
  private final int id;
  private final BlockingQueue<long[]> replies = new LinkedBlockingQueue<>();
  private final byte[] peerMac = new byte[6];
  private volatile boolean arpAnswered;

  Ping(NetInterface iface, Request req) {
    this.iface = iface;
    this.req = req;
    byte[] mac = iface.mac().toBytes();
    // without "from": an IPv4 link-local address made from the interface's MAC (169.254.X.Y)
    this.source = req.from() != null ? req.from() : 0xa9fe0000 | (mac[4] & 0xff) << 8 | Math.max(1, mac[5] & 0xff);
    this.id = (mac[5] & 0xff) << 8 | (mac[4] & 0xff);
  }

  String run() throws InterruptedException {
    if (req.size() + 28 > iface.mtu()) {
      throw new IllegalArgumentException("size " + req.size() + " does not fit mtu " + iface.mtu() + " (at most "
          + (iface.mtu() - 28) + ")");
    }
    ByteBuffer out = ByteBuffer.allocate(PingFrames.ETH_HLEN + 28 + Math.max(req.size(), 28));
    List<String> lines = new ArrayList<>();
    String src = text(source);
    lines.add("PING " + req.targetText() + " from " + src + " " + iface.name() + ": " + req.size() + " data bytes");
    iface.setReceiver(this::receive);
    int received = 0;
    try {
      if (!resolve(out)) {
        lines.add("From " + src + ": no ARP reply from " + req.targetText() + " (Destination Host Unreachable)");
      } else {
        for (int seq = 1; seq <= req.count(); seq++) {
          PingFrames.echoRequest(out, peerMac, iface.mac().toBytes(), source, req.target(), id, seq, req.size(), 0);
          long t0 = System.nanoTime();
          send(out);
          long[] r = awaitReply(seq, t0 + WAIT_NANOS);
          if (r != null) {
            received++;
            lines.add((req.size() + 8) + " bytes from " + req.targetText() + ": icmp_seq " + seq + " time "
                + String.format("%.3f", (r[1] - t0) / 1e6) + " ms");
          }
        }
      }
    } finally {
      iface.setReceiver(null);
    }
    int sent = arpAnswered ? req.count() : 0;
    lines.add("--- " + req.targetText() + " ping statistics ---");
    lines.add(sent + " packets transmitted, " + received + " received, "
        + (sent == 0 ? 100 : (sent - received) * 100 / sent) + "% packet loss");
    return String.join("\n", lines);
  }

  private boolean resolve(ByteBuffer out) throws InterruptedException {
    for (int t = 0; t < ARP_TRIES && !arpAnswered; t++) {
      PingFrames.arpRequest(out, iface.mac().toBytes(), source, req.target());
      send(out);
      long deadline = System.nanoTime() + WAIT_NANOS;
      synchronized (peerMac) {
        while (!arpAnswered && System.nanoTime() < deadline) {
          TimeUnit.NANOSECONDS.timedWait(peerMac, Math.max(1, deadline - System.nanoTime()));
        }
      }
    }
    return arpAnswered;
  }

  private void send(ByteBuffer frame) {
    NetInterface.SendResult r = iface.send(0, frame.duplicate());
    if (r != NetInterface.SendResult.SENT) {
      throw new IllegalStateException(iface.name() + " did not send: " + r.name().toLowerCase());
    }
  }

  private long[] awaitReply(int seq, long deadline) throws InterruptedException {
    while (true) {
      long left = deadline - System.nanoTime();
      long[] r = left > 0 ? replies.poll(left, TimeUnit.NANOSECONDS) : null;
      if (r == null || r[0] == seq) {
        return r;
      }
    }
  }

  private void receive(int queuePair, ByteBuffer frame) {
    if (!arpAnswered) {
      synchronized (peerMac) {
        if (PingFrames.isArpReplyFrom(frame, req.target(), peerMac)) {
          arpAnswered = true;
          peerMac.notifyAll();
        }
      }
      return;
    }
    int seq = PingFrames.echoReplySeq(frame, req.target(), id);
    if (seq >= 0) {
      replies.add(new long[] {seq, System.nanoTime()});
    }
  }

  private static String text(int a) {
    return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
  }
}
