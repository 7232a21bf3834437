package net.vdpa.benchmarks.net;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetInterface.SendResult;
import net.vdpa.api.net.NetStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Frames through the path a user takes, inside a running OSGi framework: {@link NetInterface#send}
 * → virtio-net driver → transmit virtqueue → {@code vdpasim_net} worker → loopback wire → receive
 * virtqueue → driver → the receiver set with {@link NetInterface#setReceiver} ({@code rx=push}, on
 * the device's worker thread) or the sender itself with {@link NetInterface#poll} ({@code rx=poll}).
 * Group {@code pairs1} runs one sender on a device with one queue pair;
 * {@code pairs2} runs one sender per pair on a device with two; each sender hands the interface
 * {@code burst} frames per call. {@code frame} is the Ethernet
 * frame length without FCS (1514: a 1,500-byte payload at MTU 1500). The figure is the
 * {@code received} counter of {@link Sender}: frames back at the receiver per second (multiply by
 * {@code frame * 8} for bits). Run beside {@code RingBenchmark} for the bare ring's rate in the same
 * run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NetInterfaceBenchmark {
  /** The device's MTU. */
  static final int MTU = 1500;
  private static final int ETH_HLEN = 14;
  private static final byte[] SOURCE_MAC = {0x02, 0x00, 0x00, (byte) 0xbe, 0x0c, 0x01};
  /** IEEE 802 local experimental EtherType. */
  private static final short ETHERTYPE = (short) 0x88b5;

  /** Ring layout the driver is configured with. */
  @Param({"split", "packed"})
  public String ring;

  /** Frame length in bytes, Ethernet header included. */
  @Param({"64", "1514"})
  public int frame;

  /**
   * Frames per send call: 1 sends each frame with {@link NetInterface#send(int, ByteBuffer)}, more
   * hand that many at once to {@link NetInterface#send(int, ByteBuffer[], int, int)} (one
   * publication and at most one kick per burst, as the bare ring's {@code batch=32}).
   */
  @Param({"1", "32"})
  public int burst;

  /**
   * How frames come back: {@code push} sets the counters as the interface's receiver (called on the
   * device's worker thread, which then runs the driver's receive side too); {@code poll} sets none,
   * and each sender takes its pair's frames itself with {@link NetInterface#poll} after every burst
   * and while the transmit ring is full (the driver's receive side on the sender's thread, as a
   * poll-mode driver runs it, and as the bare ring benchmark's driver thread runs both its sides).
   */
  @Param({"push", "poll"})
  public String rx;

  private NetRuntime runtime;
  private NetInterface iface;
  private RxCounters counters;
  private int pairs;

  /**
   * Boots the framework and creates a device with as many queue pairs as the group has threads.
   *
   * @param params the benchmark's parameters
   * @throws Exception if the runtime does not come up
   */
  @Setup(Level.Trial)
  public void boot(BenchmarkParams params) throws Exception {
    if (frame < ETH_HLEN + 46 || frame > MTU + ETH_HLEN) {
      throw new IllegalArgumentException("frame " + frame + " is outside 60.." + (MTU + ETH_HLEN));
    }
    int threads = 0;
    for (int t : params.getThreadGroups()) {
      threads += t;
    }
    pairs = threads;
    runtime = new NetRuntime(ring, pairs, MTU);
    iface = runtime.iface();
    counters = new RxCounters(pairs, frame);
    if (rx.equals("push")) {
      iface.setReceiver(counters);
    } else if (!rx.equals("poll")) {
      throw new IllegalArgumentException("rx " + rx + " is neither push nor poll");
    }
  }

  /**
   * Prints the interface's counters once the frames in flight have arrived (a check that nothing
   * was dropped or lost) and stops the framework.
   *
   * @throws Exception if the framework does not stop
   */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try {
      // the senders have stopped; the last bursts may still be on their way through the worker
      long settle = System.nanoTime() + 2_000_000_000L;
      NetStats s = iface.stats();
      while (s.rxPackets() + s.rxDropped() < s.txPackets() && System.nanoTime() < settle) {
        if (polls()) {
          for (int p = 0; p < pairs; p++) {
            iface.poll(p, counters, 256);
          }
        }
        Thread.sleep(1);
        s = iface.stats();
      }
      StringBuilder wrong = new StringBuilder();
      for (int p = 0; p < pairs; p++) {
        if (counters.wrongLength(p) != 0) {
          wrong.append(" pair ").append(p).append(": ").append(counters.wrongLength(p)).append(" of wrong length");
        }
      }
      System.out.println("\n" + iface.name() + " " + ring + " " + pairs + " pair(s) " + frame + " B: tx " + s.txPackets()
          + " rx " + s.rxPackets() + " rx dropped " + s.rxDropped() + " tx dropped " + s.txDropped()
          + " tx errors " + s.txErrors() + wrong);
      iface.setReceiver(null);
    } finally {
      runtime.close();
    }
  }

  NetInterface iface() {
    return iface;
  }

  boolean polls() {
    return rx.equals("poll");
  }

  RxCounters counters() {
    return counters;
  }

  /** A frame to the interface's own MAC (its receive filter takes it), the pair number in its payload. */
  ByteBuffer newFrame(int pair) {
    ByteBuffer b = ByteBuffer.allocateDirect(frame);
    b.put(iface.mac().toBytes()).put(SOURCE_MAC).putShort(ETHERTYPE);
    for (int i = ETH_HLEN; i < frame; i++) {
      b.put((byte) (i + pair));
    }
    return b.flip();
  }

  /**
   * One sender on a one-pair device.
   *
   * @param s the sender
   * @return the outcome of the send
   */
  @Benchmark
  @Group("pairs1")
  @GroupThreads(1)
  public SendResult pairs1(Sender s) {
    return s.send();
  }

  /**
   * One sender per pair on a two-pair device.
   *
   * @param s the sender
   * @return the outcome of the send
   */
  @Benchmark
  @Group("pairs2")
  @GroupThreads(2)
  public SendResult pairs2(Sender s) {
    return s.send();
  }
}
