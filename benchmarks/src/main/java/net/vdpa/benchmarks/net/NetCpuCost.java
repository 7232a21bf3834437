package net.vdpa.benchmarks.net;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.vdpa.api.net.NetInterface;

/**
 * The CPU time a frame costs on the NetInterface path, in thread CPU time of the two threads that
 * carry it (the sender and the device's queue-pair worker, which also runs the driver's receive
 * side and the receiver), as {@code pt.PmdCpuCost} measures the poll-mode path: the same frames,
 * bursts of 32 handed to {@link NetInterface#send(int, ByteBuffer[], int, int)}, the same count
 * and length check at the receiver ({@link RxCounters}). A full ring yields, as the benchmark's
 * sender does.
 *
 * <p>Usage: {@code java -cp benchmarks.jar net.vdpa.benchmarks.net.NetCpuCost FRAME} from the
 * repository root (or with {@code -Dvdpa.bench.bundles=DIR}).
 */
public final class NetCpuCost {
  private static final int SAMPLES = 9;
  private static final long SAMPLE_CPU_NS = 200_000_000L;

  private NetCpuCost() {}

  /**
   * Prints {@code cpu_ns_per_frame MEDIAN min MIN max MAX sender S device D} over 9 samples of at
   * least 0.2 s of sender CPU each, after 10 samples of warm-up.
   *
   * @param args the frame length in bytes
   * @throws Exception if the runtime does not come up
   */
  public static void main(String[] args) throws Exception {
    int frame = Integer.parseInt(args[0]);
    NetRuntime runtime = new NetRuntime("split", 1, NetInterfaceBenchmark.MTU);
    try {
      NetInterface iface = runtime.iface();
      RxCounters counters = new RxCounters(1, frame);
      iface.setReceiver(counters);
      ByteBuffer f = ByteBuffer.allocateDirect(frame);
      f.put(iface.mac().toBytes()).put(new byte[] {2, 0, 0, (byte) 0xbe, 0x0c, 1}).putShort((short) 0x88b5);
      for (int i = 14; i < frame; i++) {
        f.put((byte) i);
      }
      f.flip();
      ByteBuffer[] burst = new ByteBuffer[32];
      Arrays.fill(burst, f);
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long worker = workerId();
      double[] ns = new double[SAMPLES];
      double[] sender = new double[SAMPLES];
      for (int s = -10; s < SAMPLES; s++) {
        long p0 = mx.getCurrentThreadCpuTime();
        long w0 = mx.getThreadCpuTime(worker);
        long n0 = counters.received(0);
        long p1;
        do {
          for (int k = 0; k < 1_000; k++) {
            int off = 0;
            while (off < burst.length) {
              int n = iface.send(0, burst, off, burst.length - off);
              if (n < 0) {
                throw new IllegalStateException("interface " + iface.name() + " is down");
              }
              if (n == 0) {
                Thread.yield();
              }
              off += n;
            }
          }
          p1 = mx.getCurrentThreadCpuTime();
        } while (p1 - p0 < SAMPLE_CPU_NS);
        long w1 = mx.getThreadCpuTime(worker);
        long frames = counters.received(0) - n0;
        if (s >= 0) {
          sender[s] = (p1 - p0) / (double) frames;
          ns[s] = sender[s] + (w1 - w0) / (double) frames;
        }
      }
      double[] sorted = ns.clone();
      Arrays.sort(sorted);
      int median = 0;
      while (ns[median] != sorted[SAMPLES / 2]) {
        median++;
      }
      System.out.printf("cpu_ns_per_frame %.1f min %.1f max %.1f sender %.1f device %.1f wrong_length %d%n",
          sorted[SAMPLES / 2], sorted[0], sorted[SAMPLES - 1], sender[median], ns[median] - sender[median],
          counters.wrongLength(0));
      iface.setReceiver(null);
    } finally {
      runtime.close();
    }
  }

  /** The device's queue-pair worker (simnet names it {@code simnet-DEVICE-qp0}). */
  private static long workerId() {
    String name = "simnet-" + NetRuntime.DEVICE + "-qp0";
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return t.getId();
      }
    }
    throw new IllegalStateException("no thread " + name + " is running");
  }
}
