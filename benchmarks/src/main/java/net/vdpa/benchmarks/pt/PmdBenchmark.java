package net.vdpa.benchmarks.pt;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.pmd.Mbuf;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PmdStats;
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
 * Frames through the passthrough path inside a running OSGi framework: a poll-mode port
 * ({@code pmd.virtio}) over the {@code vfio_vdpa} handle of a {@code vdpasim_net} device, one
 * queue pair, the device's loopback wire. One benchmark thread is the polling thread: per
 * operation it copies the frame into up to {@code burst} mbufs, hands them to {@code txBurst} (at
 * most {@link #WINDOW} frames in flight, so the receive ring never overruns), and takes back what
 * {@code rxBurst} has. The figure is {@link Counters#received}: frames back per second. Run beside
 * {@code NetInterfaceBenchmark} (virtio_net) and {@code RingBenchmark} (the bare ring) for the
 * same frames through the other paths in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PmdBenchmark {
  /**
   * Frames in flight at most: the port's receive ring of 256 less the 64 free slots that make it
   * refill at the end of a burst (twice DPDK's {@code rx_free_thresh}; below that it refills at the
   * next burst's start), the fewest receive buffers it has posted after a burst of up to 32, so
   * every frame in flight finds one.
   */
  static final int WINDOW = 192;
  private static final boolean YIELD = Boolean.parseBoolean(System.getProperty("vdpa.bench.yield", "true"));

  /** Frame length in bytes, Ethernet header included. */
  @Param({"64", "1514"})
  public int frame;

  /** Frames per txBurst. */
  @Param({"32"})
  public int burst;

  private PtRuntime runtime;
  private PmdPort port;
  private ByteBuffer template;
  private Mbuf[] tx;
  private Mbuf[] rx;
  private long inFlight;
  /** Frames that came back with another length than sent (printed at the end: a check, as NetInterfaceBenchmark's). */
  private long wrongLength;

  /** What JMH reports per second. Confined to the polling thread. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    /** Frames handed to txBurst. */
    public long sent;
    /** Frames that came back through rxBurst. */
    public long received;
  }

  /**
   * Boots the framework, binds the device to vfio_vdpa and starts the port.
   *
   * @throws Exception if the runtime does not come up
   */
  @Setup(Level.Trial)
  public void boot() throws Exception {
    if (frame < 60 || frame > 1514) {
      throw new IllegalArgumentException("frame " + frame + " is outside 60..1514");
    }
    runtime = new PtRuntime(PtRuntime.Path.PASSTHROUGH);
    port = runtime.port();
    template = ByteBuffer.allocateDirect(frame);
    for (int i = 0; i < 6; i++) {
      template.put(i, (byte) 0xFF);
    }
    template.put(6, (byte) 0x02).putShort(12, (short) 0x88b5);
    for (int i = 14; i < frame; i++) {
      template.put(i, (byte) i);
    }
    tx = new Mbuf[burst];
    rx = new Mbuf[burst];
  }

  /**
   * Prints the port's counters and stops the framework.
   *
   * @throws Exception if the framework does not stop
   */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try {
      PmdStats s = port.stats();
      System.out.println("\n" + PtRuntime.DEVICE + " pmd " + frame + " B: tx " + s.txPackets() + " rx " + s.rxPackets()
          + " tx_full " + s.txFull() + " rx_no_mbuf " + s.rxNoMbuf() + " wrong length " + wrongLength
          + " state " + port.state());
    } finally {
      runtime.close();
    }
  }

  /**
   * One burst out (as the window allows) and whatever came back.
   *
   * @param c the counters
   * @return frames received in this operation
   */
  @Benchmark
  public int pmd(Counters c) {
    final PmdPort p = port;
    final Mbuf[] t = tx;
    int room = (int) Math.min(burst, WINDOW - inFlight);
    int got = 0;
    while (got < room) {
      Mbuf m = p.alloc();
      if (m == null) {
        break;
      }
      m.data().put(0, template, 0, frame);
      m.length(frame);
      t[got++] = m;
    }
    int took = got == 0 ? 0 : p.txBurst(t, got);
    for (int k = took; k < got; k++) {
      p.free(t[k]);
    }
    final Mbuf[] r = rx;
    final int len = frame;
    int n = p.rxBurst(r, r.length);
    for (int k = 0; k < n; k++) {
      // the same check NetInterfaceBenchmark's receiver makes on every frame
      if (r[k].length() != len) {
        wrongLength++;
      }
      p.free(r[k]);
    }
    inFlight += took - n;
    c.sent += took;
    c.received += n;
    if (took == 0 && n == 0 && YIELD) {
      // nothing moved: the device's worker may need this core (as NetInterfaceBenchmark's sender
      // yields on a full ring)
      Thread.yield();
    }
    return n;
  }
}
