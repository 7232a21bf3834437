package net.vdpa.benchmarks.net;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetStats;
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
 * VF to VF through a SmartNIC's legacy switch against the simulated NIC's loopback, in one
 * framework and one run: {@code path=vf-to-vf} sends from the interface of a device on VF 0 to the
 * interface of a device on VF 1 (virtio-net driver → VF 0's worker → switch: FDB lookup, copy into
 * VF 1's inbox → VF 1's worker → receive ring → driver → receiver); {@code path=simnet-loopback}
 * sends from {@code bench0} to itself (one worker, no switch, no inbox); {@code path=vf-to-vf-rule}
 * is VF to VF in switchdev mode, carried by a tc flower rule on VF 0's representor (the fast path:
 * the rule's match and redirect instead of the FDB). One sender thread, bursts
 * of 32, one queue pair. The figure is {@code received} per second; the ratio of the two paths in
 * the same run is what the goal (≥ 0.7×) is about. {@code -prof gc} shows the bytes per
 * burst the benchmark thread allocates (the workers' own allocation is checked by
 * {@code VfToVfTest}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SmartNicBenchmark {
  private static final int BURST = 32;

  /** Which path the frames take. */
  @Param({"simnet-loopback", "vf-to-vf", "vf-to-vf-rule"})
  public String path;

  /** Frame length in bytes, Ethernet header included. */
  @Param({"64", "1514"})
  public int frame;

  private SwitchRuntime runtime;
  private NetInterface tx;
  private NetInterface rx;
  private RxCounters counters;
  private ByteBuffer[] burst;

  /**
   * Boots the framework with both NIC kinds and picks the path's interfaces.
   *
   * @throws Exception if the runtime does not come up
   */
  @Setup(Level.Trial)
  public void boot() throws Exception {
    runtime = new SwitchRuntime(path.equals("vf-to-vf-rule"));
    switch (path) {
      case "simnet-loopback" -> {
        tx = runtime.iface("bench0");
        rx = tx;
      }
      case "vf-to-vf", "vf-to-vf-rule" -> {
        tx = runtime.iface("vf0");
        rx = runtime.iface("vf1");
      }
      default -> throw new IllegalArgumentException("path '" + path + "' is not simnet-loopback, vf-to-vf or vf-to-vf-rule");
    }
    counters = new RxCounters(1, frame);
    rx.setReceiver(counters);
    ByteBuffer f = ByteBuffer.allocateDirect(frame);
    f.put(rx.mac().toBytes()).put(tx.mac().toBytes()).putShort((short) 0x88b5);
    while (f.hasRemaining()) {
      f.put((byte) f.position());
    }
    f.flip();
    burst = new ByteBuffer[BURST];
    Arrays.fill(burst, f);
  }

  /**
   * Prints both interfaces' counters (a check that nothing was lost) and stops the framework.
   *
   * @throws Exception if the framework does not stop
   */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try {
      NetStats t = tx.stats();
      NetStats r = rx.stats();
      System.out.println("\n" + path + " " + frame + " B: " + tx.name() + " tx " + t.txPackets() + " tx dropped "
          + t.txDropped() + "; " + rx.name() + " rx " + r.rxPackets() + " rx dropped " + r.rxDropped()
          + " wrong length " + counters.wrongLength(0));
      rx.setReceiver(null);
    } finally {
      runtime.close();
    }
  }

  /** What one sender thread counts; {@code received} is the figure. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flow {
    /** Frames taken by the transmitting interface. */
    public long sent;
    /** Frames at the receiver during the iteration. */
    public long received;
    private long base;
    private SmartNicBenchmark bench;

    /** Remembers the benchmark state. */
    @Setup(Level.Trial)
    public void bind(SmartNicBenchmark b) {
      bench = b;
    }

    /** Notes where the receive count stands. */
    @Setup(Level.Iteration)
    public void mark() {
      base = bench.counters.received(0);
    }

    /** This iteration's frames at the receiver. */
    @TearDown(Level.Iteration)
    public void count() {
      received = bench.counters.received(0) - base;
    }
  }

  /**
   * Hands one burst of 32 frames to the transmitting interface, yielding while its ring is full.
   *
   * @param flow the thread's counters
   * @return frames taken
   */
  @Benchmark
  public int send(Flow flow) {
    final ByteBuffer[] b = burst;
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
    flow.sent += b.length;
    return off;
  }
}
