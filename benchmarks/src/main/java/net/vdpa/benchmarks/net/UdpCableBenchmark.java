package net.vdpa.benchmarks.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetStats;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketStats;
import net.vdpa.api.port.WireKind;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A UDP cable between two runtimes against a plain Java {@link DatagramChannel} pair, in one run
 * (issue 20). {@code path=udp-cable}: two Felix frameworks in this JVM, each with the project's
 * bundles and one simulated NIC {@code bench0}, whose ports are plugged into UDP wires facing each
 * other on the loopback interface; the benchmark thread sends bursts of 32 frames from the first
 * runtime's interface (virtio-net driver → worker → UDP socket → kernel → the second runtime's
 * receive thread → inbox → worker → receive ring → driver → receiver). {@code path=datagram-channel}:
 * the same bursts written as datagrams by the benchmark thread on one connected channel and read by
 * one thread on another, counted the same way. The figure is {@code received} per second; the
 * issue asks the cable for ≥ 0.5× the channel pair (goal ≥ 0.8×). Both lose what the kernel's
 * socket buffer cannot hold ({@code sent} − {@code received}); the tear-down prints the drops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UdpCableBenchmark {
  private static final int BURST = 32;

  /** Which path the frames take. */
  @Param({"datagram-channel", "udp-cable"})
  public String path;

  /** Frame length in bytes, Ethernet header included. */
  @Param({"64", "1514"})
  public int frame;

  private NetRuntime left;
  private NetRuntime right;
  private NetInterface tx;
  private NetInterface rx;
  private RxCounters counters;
  private ByteBuffer[] burst;
  private Pair pair;

  /**
   * Boots both runtimes and joins them (udp-cable), or opens the channel pair.
   *
   * @throws Exception if a runtime does not come up or a socket cannot be bound
   */
  @Setup(Level.Trial)
  public void boot() throws Exception {
    ByteBuffer f = ByteBuffer.allocateDirect(frame);
    switch (path) {
      case "udp-cable" -> {
        left = new NetRuntime("split", 1, 1500);
        right = new NetRuntime("split", 1, 1500);
        InetSocketAddress a = free();
        InetSocketAddress b = free();
        ports(left).socket(NetRuntime.DEVICE, WireKind.UDP, SocketAddresses.udp(a, b));
        ports(right).socket(NetRuntime.DEVICE, WireKind.UDP, SocketAddresses.udp(b, a));
        tx = left.iface();
        rx = right.iface();
        counters = new RxCounters(1, frame);
        rx.setReceiver(counters);
        f.put(rx.mac().toBytes()).put(tx.mac().toBytes());
      }
      case "datagram-channel" -> {
        pair = new Pair(frame);
        f.put(new byte[12]);
      }
      default -> throw new IllegalArgumentException("path '" + path + "' is not udp-cable or datagram-channel");
    }
    f.putShort((short) 0x88b5);
    while (f.hasRemaining()) {
      f.put((byte) f.position());
    }
    f.flip();
    burst = new ByteBuffer[BURST];
    Arrays.fill(burst, f);
  }

  private static PortControl ports(NetRuntime r) throws Exception {
    return r.framework().awaitService(PortControl.class, "(objectClass=" + PortControl.class.getName() + ")",
        "the simulated NIC's PortControl");
  }

  private static InetSocketAddress free() throws IOException {
    try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET)) {
      c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return (InetSocketAddress) c.getLocalAddress();
    }
  }

  /**
   * Prints what each side counted (what the kernel dropped shows as sent but not received) and
   * stops everything.
   *
   * @throws Exception if a framework does not stop
   */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    if (pair != null) {
      System.out.println("\ndatagram-channel " + frame + " B: sent " + pair.sent + " received " + pair.received.get()
          + " wrong length " + pair.wrongLength.get());
      pair.close();
      return;
    }
    try {
      NetStats t = tx.stats();
      NetStats r = rx.stats();
      SocketStats ls = ports(left).socketStats(NetRuntime.DEVICE).orElseThrow();
      SocketStats rs = ports(right).socketStats(NetRuntime.DEVICE).orElseThrow();
      System.out.println("\nudp-cable " + frame + " B: tx " + t.txPackets() + " tx dropped " + t.txDropped()
          + " socket sent " + ls.txFrames() + " drops " + ls.drops() + "; socket received " + rs.rxFrames()
          + " drops " + rs.drops() + "; rx " + r.rxPackets() + " rx dropped " + r.rxDropped() + " wrong length "
          + counters.wrongLength(0));
      rx.setReceiver(null);
    } finally {
      try {
        left.close();
      } finally {
        right.close();
      }
    }
  }

  /** What one sender thread counts; {@code received} is the figure. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flow {
    /** Frames handed to the interface or the channel. */
    public long sent;
    /** Frames at the receiver during the iteration. */
    public long received;
    private long base;
    private UdpCableBenchmark bench;

    /** Remembers the benchmark state. */
    @Setup(Level.Trial)
    public void bind(UdpCableBenchmark b) {
      bench = b;
    }

    /** Notes where the receive count stands. */
    @Setup(Level.Iteration)
    public void mark() {
      base = bench.received();
    }

    /** This iteration's frames at the receiver. */
    @TearDown(Level.Iteration)
    public void count() {
      received = bench.received() - base;
    }
  }

  private long received() {
    return pair != null ? pair.received.get() : counters.received(0);
  }

  /**
   * Sends one burst of 32 frames: to the first runtime's interface (yielding while its ring is
   * full), or as 32 datagrams on the channel.
   *
   * @param flow the thread's counters
   * @return frames taken
   * @throws IOException if the channel fails
   */
  @Benchmark
  public int send(Flow flow) throws IOException {
    final ByteBuffer[] b = burst;
    if (pair != null) {
      final int n = pair.send(b);
      flow.sent += n;
      return n;
    }
    int off = 0;
    while (off < b.length) {
      final int n = tx.send(0, b, off, b.length - off);
      if (n < 0) {
        throw new IllegalStateException("interface " + tx.name() + " is down: " + tx.stats());
      }
      if (n == 0) {
        Thread.yield();
      }
      off += n;
    }
    flow.sent += off;
    return off;
  }

  /**
   * The baseline: two connected datagram channels on the loopback interface, a receive thread
   * reading into one direct buffer and counting frames and wrong lengths, as {@link RxCounters}.
   */
  static final class Pair implements AutoCloseable {
    final DatagramChannel out;
    final DatagramChannel in;
    final AtomicLong received = new AtomicLong();
    final AtomicLong wrongLength = new AtomicLong();
    long sent;
    private final Thread reader;

    Pair(int frame) throws IOException {
      out = DatagramChannel.open(StandardProtocolFamily.INET);
      in = DatagramChannel.open(StandardProtocolFamily.INET);
      InetAddress lo = InetAddress.getLoopbackAddress();
      out.bind(new InetSocketAddress(lo, 0));
      in.bind(new InetSocketAddress(lo, 0));
      out.connect(in.getLocalAddress());
      in.connect(out.getLocalAddress());
      reader = new Thread(() -> read(frame), "datagram-channel-rx");
      reader.setDaemon(true);
      reader.start();
    }

    private void read(int frame) {
      ByteBuffer b = ByteBuffer.allocateDirect(2048);
      while (true) {
        b.clear();
        try {
          int n = in.read(b);
          // one writer: plain read-modify-write made visible with an opaque store, as RxCounters
          received.setOpaque(received.getPlain() + 1);
          if (n != frame) {
            wrongLength.setOpaque(wrongLength.getPlain() + 1);
          }
        } catch (ClosedChannelException e) {
          return;
        } catch (IOException e) {
          throw new IllegalStateException("datagram channel read failed: " + e.getMessage(), e);
        }
      }
    }

    int send(ByteBuffer[] burst) throws IOException {
      for (ByteBuffer f : burst) {
        f.position(0);
        out.write(f);
      }
      sent += burst.length;
      return burst.length;
    }

    @Override
    public void close() throws Exception {
      out.close();
      in.close();
      reader.join(5000);
    }
  }
}
