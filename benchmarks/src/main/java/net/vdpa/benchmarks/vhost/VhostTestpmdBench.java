package net.vdpa.benchmarks.vhost;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.vhost.VhostVdpa;
import net.vdpa.benchmarks.BenchFramework;
import net.vdpa.testpmd.Testpmd;
import org.osgi.framework.Constants;

/**
 * Packets per second from {@code dpdk-testpmd} (virtio-user, 64 B frames) into our vhost-user
 * backend with a simulated NIC behind it, beside DPDK's own vhost PMD ({@code net_vhost}, a second
 * testpmd) receiving from the same frontend configuration, in the same run. Two figures each:
 * {@code txonly} (frontend transmits, backend receives) and the {@code io} loop ({@code tx_first};
 * our NIC loops frames back, DPDK's backend forwards them back with {@code io}).
 *
 * <p>Not JMH: the work happens in other processes; each figure is a counter difference over a
 * fixed window, repeated {@code rounds} times, reported as median and range.
 *
 * <p>Usage: {@code VhostTestpmdBench [seconds=3] [rounds=3] [pairs=1]}: with 2 pairs, both sides get
 * {@code queues=2} (virtio-user with its control queue, {@code --txq=2 --rxq=2}) and the figure is
 * the sum over the pairs.
 */
public final class VhostTestpmdBench {
  private static final String VHOST_PID = "net.vdpa.driver.vhost";

  private VhostTestpmdBench() {}

  /**
   * Runs the comparison and prints one line per figure.
   *
   * @param args seconds per window, rounds
   * @throws Exception if a process cannot be run
   */
  public static void main(String[] args) throws Exception {
    if (!Testpmd.available()) {
      System.err.println(Testpmd.BINARY + " is not installed (apt-get install dpdk): nothing to compare with");
      System.exit(2);
    }
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Path dir = Files.createTempDirectory("vhost-bench");
    long[][] ours = new long[2][rounds];
    long[][] dpdk = new long[2][rounds];
    try (BenchFramework fw = runtime(dir)) {
      for (int r = 0; r < rounds; r++) {
        ours[0][r] = oursRate(fw, "txonly", seconds, r, pairs);
        ours[1][r] = oursRate(fw, "io", seconds, r, pairs);
        dpdk[0][r] = dpdkRate(dir, "txonly", seconds, r, pairs);
        dpdk[1][r] = dpdkRate(dir, "io", seconds, r, pairs);
        System.out.printf("round %d (load %s): txonly ours %,d dpdk %,d ratio %.2f | io ours %,d dpdk %,d ratio %.2f"
            + " packets/s%n", r, Files.readString(Path.of("/proc/loadavg")).split(" ")[0], ours[0][r], dpdk[0][r],
            (double) ours[0][r] / dpdk[0][r], ours[1][r], dpdk[1][r], (double) ours[1][r] / dpdk[1][r]);
      }
    }
    String[] names = {"txonly 64 B", "io loop 64 B"};
    for (int k = 0; k < 2; k++) {
      long o = median(ours[k]);
      long d = median(dpdk[k]);
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratios[r] = (double) ours[k][r] / dpdk[k][r];
      }
      Arrays.sort(ratios);
      System.out.printf("%s, %d pair(s): ours %,d pps [%,d..%,d], DPDK vhost PMD %,d pps [%,d..%,d], median of the"
          + " per-round ratios %.2f%n", names[k], pairs, o, min(ours[k]), max(ours[k]), d, min(dpdk[k]),
          max(dpdk[k]), ratios[rounds / 2]);
    }
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static long min(long[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  private static long max(long[] v) {
    return Arrays.stream(v).max().orElse(0);
  }

  /**
   * Our backend as a user runs it, booted once for the whole run (the JIT warms up over the rounds as
   * it does in a long-running runtime): the bundles in a framework ({@link BenchFramework}) with the
   * vhost driver's sockets in {@code dir}.
   */
  private static BenchFramework runtime(Path dir) throws Exception {
    BenchFramework fw = new BenchFramework("vhost");
    try {
      Dictionary<String, Object> props = new Hashtable<>();
      props.put("socket_dir", dir.toString());
      fw.configure(VHOST_PID, props);
      fw.start("ring", "bus", "device.core", "device.simnet", "jna", "unix", "driver.vhost");
      return fw;
    } catch (Exception | Error e) {
      fw.closeQuietly();
      throw e;
    }
  }

  /**
   * One window of our backend: a simulated NIC created through {@code vdpasim_net} with a driver
   * override, so the bus binds it to {@code vhost_vdpa}, testpmd in front of its socket; the device is
   * deleted afterwards.
   */
  private static long oursRate(BenchFramework fw, String mode, int seconds, int round, int pairs) throws Exception {
    VdpaMgmtDevice mgmt = fw.awaitService(VdpaMgmtDevice.class, "(&(" + Constants.OBJECTCLASS + "="
        + VdpaMgmtDevice.class.getName() + ")(" + VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_net))",
        "the vdpasim_net management device");
    VdpaBus bus = fw.awaitService(VdpaBus.class, "(" + Constants.OBJECTCLASS + "=" + VdpaBus.class.getName() + ")",
        "the bus");
    String name = "bench" + round + mode;
    // vhost_vdpa takes devices on request only, as a user asks with `vdpa:dev override NAME vhost_vdpa`
    bus.presetDriverOverride(name, "vhost_vdpa");
    VdpaDevice dev = mgmt.devAdd(new DevConfig(name, null, null, pairs, null));
    try {
      VhostVdpa endpoint = fw.awaitService(VhostVdpa.class, "(&(" + Constants.OBJECTCLASS + "="
          + VhostVdpa.class.getName() + ")(" + VhostVdpa.PROP_DEVICE + "=" + name + "))",
          "the vhost endpoint of device " + name);
      try (Testpmd t = testpmd(virtioUser(endpoint.socketPath(), pairs), "vbo" + round, "--txq=" + pairs,
          "--rxq=" + pairs, "--forward-mode=" + mode, "--eth-peer=0," + mac(dev))) {
        t.awaitPrompt(30_000);
        int q = mode.equals("txonly") ? 1 : 0;
        String counter = mode.equals("txonly") ? "tx_packets" : "rx_packets";
        t.command(mode.equals("txonly") ? "start" : "start tx_first");
        Thread.sleep(500);
        long a = sum(dev, q, counter, pairs);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long b = sum(dev, q, counter, pairs);
        long t1 = System.nanoTime();
        t.command("stop");
        return (long) ((b - a) * 1e9 / (t1 - t0));
      }
    } finally {
      mgmt.devDel(name);
    }
  }

  /** DPDK's own vhost PMD in a second testpmd as the backend, the same frontend in front. */
  private static long dpdkRate(Path dir, String mode, int seconds, int round, int pairs) throws Exception {
    Path sock = dir.resolve("dpdk" + round + mode + ".sock");
    try (Testpmd backend = testpmd("net_vhost0,iface=" + sock + ",queues=" + pairs, "vbb" + round,
        "--txq=" + pairs, "--rxq=" + pairs, "--forward-mode=" + (mode.equals("txonly") ? "rxonly" : "io"))) {
      backend.awaitPrompt(30_000);
      backend.command("start");
      try (Testpmd front = testpmd(virtioUser(sock, pairs), "vbf" + round, "--txq=" + pairs, "--rxq=" + pairs,
          "--forward-mode=" + mode)) {
        front.awaitPrompt(30_000);
        front.command(mode.equals("txonly") ? "start" : "start tx_first");
        Thread.sleep(500);
        long a = backend.portCounter("RX-packets");
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long b = backend.portCounter("RX-packets");
        long t1 = System.nanoTime();
        front.command("stop");
        return (long) ((b - a) * 1e9 / (t1 - t0));
      }
    }
  }

  private static String virtioUser(Path sock, int pairs) {
    return "net_virtio_user0,path=" + sock + ",queues=" + pairs + (pairs > 1 ? ",cq=1" : "");
  }

  /** A counter summed over the pairs: queue {@code q} of each pair. */
  private static long sum(VdpaDevice dev, int q, String counter, int pairs) {
    long n = 0;
    for (int p = 0; p < pairs; p++) {
      n += dev.vendorVqStats(2 * p + q).get(counter);
    }
    return n;
  }

  /** The device's MAC from its config space (virtio-net puts it first). */
  private static String mac(VdpaDevice d) {
    ByteBuffer b = ByteBuffer.allocate(6);
    d.getConfig(0, b);
    return MacAddress.of(b.array()).toString();
  }

  /**
   * testpmd with one port on two lcores; a vhost PMD backend forwards on lcore 0 (main lcore 1), a
   * frontend on lcore 1 (main lcore 0), so a backend and a frontend never share a core.
   */
  private static Testpmd testpmd(String vdev, String prefix, String... args) throws IOException {
    String main = vdev.startsWith("net_vhost") ? "1" : "0";
    String[] all = new String[args.length + 1];
    all[0] = "--txpkts=64";
    System.arraycopy(args, 0, all, 1, args.length);
    return Testpmd.start(List.of("--main-lcore=" + main, "--vdev", vdev), prefix, all);
  }
}
