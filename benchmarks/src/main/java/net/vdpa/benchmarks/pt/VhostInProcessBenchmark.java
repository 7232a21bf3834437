package net.vdpa.benchmarks.pt;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
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
 * The poll-mode work of {@link PmdBenchmark} over the in-process vhost API ({@code vhost_vdpa}'s
 * {@code VhostVdpa.open}) instead of the passthrough handle: same device type, one queue pair,
 * the loopback wire, {@code burst} frames per operation, at most {@link PmdBenchmark#WINDOW} in
 * flight. The figure is {@link Counters#received}: frames back per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VhostInProcessBenchmark {
  private static final boolean YIELD = Boolean.parseBoolean(System.getProperty("vdpa.bench.yield", "true"));

  /** Frame length in bytes, Ethernet header included. */
  @Param({"64", "1514"})
  public int frame;

  /** Frames per burst. */
  @Param({"32"})
  public int burst;

  private PtRuntime runtime;
  private VhostPort port;
  private ByteBuffer template;
  private long inFlight;

  /** What JMH reports per second. Confined to the polling thread. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    /** Frames handed to the transmit ring. */
    public long sent;
    /** Frames that came back on the receive ring. */
    public long received;
  }

  /**
   * Boots the framework, binds the device to vhost_vdpa and opens it in-process.
   *
   * @throws Exception if the runtime does not come up
   */
  @Setup(Level.Trial)
  public void boot() throws Exception {
    runtime = new PtRuntime(PtRuntime.Path.VHOST);
    port = new VhostPort(runtime.vhost().open("benchmark"));
    template = ByteBuffer.allocateDirect(frame);
    for (int i = 0; i < 6; i++) {
      template.put(i, (byte) 0xFF);
    }
    template.put(6, (byte) 0x02).putShort(12, (short) 0x88b5);
    for (int i = 14; i < frame; i++) {
      template.put(i, (byte) i);
    }
  }

  /**
   * Closes the handle and stops the framework.
   *
   * @throws Exception if the framework does not stop
   */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try {
      port.close();
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
  public int vhost(Counters c) {
    int room = (int) Math.min(burst, PmdBenchmark.WINDOW - inFlight);
    int took = room > 0 ? port.txBurst(template, frame, room) : 0;
    int n = port.rxBurst(frame, burst);
    inFlight += took - n;
    c.sent += took;
    c.received += n;
    if (took == 0 && n == 0 && YIELD) {
      Thread.yield();
    }
    return n;
  }
}
