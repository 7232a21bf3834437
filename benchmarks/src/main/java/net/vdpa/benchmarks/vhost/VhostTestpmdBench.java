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
import net.vdpa.benchmarks.CoreProbe;
import net.vdpa.testpmd.Testpmd;
import org.osgi.framework.Constants;

/**
 * Packets per second from {@code dpdk-testpmd} (virtio-user, 64 B frames) into our vhost-user
 * backend with a simulated NIC behind it, beside DPDK's own vhost PMD ({@code net_vhost}, a second
 * testpmd) receiving from the same frontend configuration. Two figures each: {@code txonly}
 * (frontend transmits, backend receives) and the {@code io} loop ({@code tx_first}; our NIC loops
 * frames back, DPDK's backend forwards them back with {@code io}).
 *
 * <p>Paired windows: for each mode both set-ups are brought up once and stay up (our device with
 * its frontend; DPDK's backend with its frontend), and each round measures one window of each, one
 * right after the other, alternating which goes first (ours first in even rounds). Only the side
 * being measured runs: the other side's testpmds are frozen with SIGSTOP between its windows (a
 * testpmd whose forwarding is stopped still spins its worker lcore), and our device's worker sleeps
 * while its frontend is frozen. On a shared 2-vCPU machine the host moves the vCPUs between near and far cores every
 * few seconds (the cross-core round trip jumps between about 30, 100 and 420 ns), so
 * figures measured minutes apart say little about each other: a round's ratio compares windows
 * measured seconds apart, and the median of the per-round ratios is the figure. Each round is
 * bracketed by the cross-core round-trip probe ({@link CoreProbe#measure}), and the ratios are
 * also given per placement, from the rounds whose two probes agree.
 *
 * <p>Not JMH: the work happens in other processes; each figure is a counter difference over a
 * window (our device's queue counters; the DPDK backend's port counter).
 *
 * <p>Usage: {@code VhostTestpmdBench [seconds=2] [rounds=9] [pairs=1] [modes=txonly,io]
 * [front-devargs]}: with 2 pairs, both sides get {@code queues=2} (virtio-user with its control
 * queue, {@code --txq=2 --rxq=2}) and the figure is the sum over the pairs. {@code front-devargs}
 * (for example {@code in_order=0}) is added to both virtio-user frontends' device arguments: the
 * frontends then negotiate the same way with either backend (DPDK's backend offers IN_ORDER, ours
 * does not, and virtio-user takes its cheaper in-order transmit path when it may).
 */
public final class VhostTestpmdBench {
  private static final String VHOST_PID = "net.vdpa.driver.vhost";

  private VhostTestpmdBench() {}

  /**
   * Runs the comparison: one line per round, then the medians.
   *
   * @param args seconds per window, rounds, queue pairs, modes
   * @throws Exception if a process cannot be run
   */
  public static void main(String[] args) throws Exception {
    if (!Testpmd.available()) {
      System.err.println(Testpmd.BINARY + " is not installed (apt-get install dpdk): nothing to compare with");
      System.exit(2);
    }
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    final String[] modes = (args.length > 3 ? args[3] : "txonly,io").split(",");
    final String frontArgs = args.length > 4 ? args[4] : "";
    if (!frontArgs.isEmpty() && !frontArgs.matches("[a-z_]+=[0-9A-Za-z_]+(,[a-z_]+=[0-9A-Za-z_]+)*")) {
      System.err.println("front-devargs " + frontArgs + " is not a list of key=value separated by commas");
      System.exit(2);
    }
    for (String m : modes) {
      if (!m.equals("txonly") && !m.equals("io")) {
        System.err.println("mode " + m + " is neither txonly nor io");
        System.exit(2);
      }
    }
    Path dir = Files.createTempDirectory("vhost-bench");
    long[][] ours = new long[modes.length][rounds];
    long[][] dpdk = new long[modes.length][rounds];
    // the cross-core round trip (ns) just before and after each window, both windows of a round
    double[][][] rtt = new double[modes.length][rounds][];
    try (BenchFramework fw = runtime(dir)) {
      for (int k = 0; k < modes.length; k++) {
        String mode = modes[k];
        try (Paired p = Paired.open(fw, dir, mode, pairs, frontArgs)) {
          // one window each unrecorded: the JIT and both sides' caches warm up
          p.ours(1);
          p.dpdk(1);
          for (int r = 0; r < rounds; r++) {
            double before = probe();
            if (r % 2 == 0) {
              ours[k][r] = p.ours(seconds);
              dpdk[k][r] = p.dpdk(seconds);
            } else {
              dpdk[k][r] = p.dpdk(seconds);
              ours[k][r] = p.ours(seconds);
            }
            rtt[k][r] = new double[] {before, probe()};
            System.out.printf("%s round %d (load %s, round trip %.0f/%.0f ns): ours %,d dpdk %,d ratio %.2f packets/s%n",
                mode, r, Files.readString(Path.of("/proc/loadavg")).split(" ")[0], rtt[k][r][0], rtt[k][r][1],
                ours[k][r], dpdk[k][r], (double) ours[k][r] / dpdk[k][r]);
          }
        }
      }
    }
    for (int k = 0; k < modes.length; k++) {
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratios[r] = (double) ours[k][r] / dpdk[k][r];
      }
      Arrays.sort(ratios);
      System.out.printf("%s 64 B, %d pair(s)%s, %d rounds of %d s windows: ours %,d pps [%,d..%,d], DPDK vhost PMD"
          + " %,d pps [%,d..%,d], median of the per-round ratios %.2f [%.2f..%.2f]%n", modes[k], pairs,
          frontArgs.isEmpty() ? "" : ", both frontends " + frontArgs, rounds,
          seconds, median(ours[k]), min(ours[k]), max(ours[k]), median(dpdk[k]), min(dpdk[k]), max(dpdk[k]),
          ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
      byPlacement(modes[k], ours[k], dpdk[k], rtt[k]);
    }
  }

  /**
   * The per-round ratios again, grouped by the vCPU placement the round ran in: only rounds whose
   * probes before and after agree within 1.3x count (the host did not move the vCPUs meanwhile),
   * and placements are their round trips sorted and split at a step over 1.25x, as
   * interleaved-summary.py groups JMH iterations.
   */
  private static void byPlacement(String mode, long[] ours, long[] dpdk, double[][] rtt) {
    List<double[]> stable = new java.util.ArrayList<>(); // {round trip, ratio}
    for (int r = 0; r < ours.length; r++) {
      double a = rtt[r][0];
      double b = rtt[r][1];
      if (Math.max(a, b) / Math.min(a, b) < 1.3 && dpdk[r] > 0) {
        stable.add(new double[] {Math.sqrt(a * b), (double) ours[r] / dpdk[r]});
      }
    }
    stable.sort((x, y) -> Double.compare(x[0], y[0]));
    int from = 0;
    for (int i = 1; i <= stable.size(); i++) {
      if (i == stable.size() || stable.get(i)[0] > stable.get(i - 1)[0] * 1.25) {
        double[] q = stable.subList(from, i).stream().mapToDouble(x -> x[1]).sorted().toArray();
        System.out.printf("%s, placement %.0f-%.0f ns: %d rounds, median of the per-round ratios %.2f [%.2f..%.2f]%n",
            mode, stable.get(from)[0], stable.get(i - 1)[0], q.length, q[q.length / 2], q[0], q[q.length - 1]);
        from = i;
      }
    }
  }

  /** The cross-core round trip now, while every testpmd is frozen and our device's worker sleeps. */
  private static double probe() throws InterruptedException {
    return CoreProbe.measure(1_000, 5)[2];
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
   * Both set-ups of one mode, up together: a simulated NIC created through {@code vdpasim_net} with a
   * driver override (so the bus binds it to {@code vhost_vdpa}) and a testpmd in front of its socket;
   * DPDK's vhost PMD in a testpmd and a second testpmd in front of it. Nothing forwards between
   * windows. Closing deletes the device and ends the testpmds.
   */
  private static final class Paired implements AutoCloseable {
    private final String mode;
    private final int pairs;
    private final VdpaMgmtDevice mgmt;
    private final String name;
    private VdpaDevice dev;
    private Testpmd oursFront;
    private Testpmd dpdkBack;
    private Testpmd dpdkFront;
    /** Ends the testpmds if the JVM ends first: a frozen testpmd ignores stdin closing and SIGINT. */
    private final Thread reaper = new Thread(this::killAll, "vhost-bench-reaper");

    private Paired(String mode, int pairs, VdpaMgmtDevice mgmt, String name) {
      this.mode = mode;
      this.pairs = pairs;
      this.mgmt = mgmt;
      this.name = name;
    }

    static Paired open(BenchFramework fw, Path dir, String mode, int pairs, String frontArgs) throws Exception {
      VdpaMgmtDevice mgmt = fw.awaitService(VdpaMgmtDevice.class, "(&(" + Constants.OBJECTCLASS + "="
          + VdpaMgmtDevice.class.getName() + ")(" + VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_net))",
          "the vdpasim_net management device");
      VdpaBus bus = fw.awaitService(VdpaBus.class, "(" + Constants.OBJECTCLASS + "=" + VdpaBus.class.getName()
          + ")", "the bus");
      String name = "bench" + mode;
      // vhost_vdpa takes devices on request only, as a user asks with `vdpa:dev override NAME vhost_vdpa`
      bus.presetDriverOverride(name, "vhost_vdpa");
      Paired p = new Paired(mode, pairs, mgmt, name);
      Runtime.getRuntime().addShutdownHook(p.reaper);
      try {
        p.dev = mgmt.devAdd(new DevConfig(name, null, null, pairs, null));
        VhostVdpa endpoint = fw.awaitService(VhostVdpa.class, "(&(" + Constants.OBJECTCLASS + "="
            + VhostVdpa.class.getName() + ")(" + VhostVdpa.PROP_DEVICE + "=" + name + "))",
            "the vhost endpoint of device " + name);
        p.oursFront = testpmd(virtioUser(endpoint.socketPath(), pairs, frontArgs), "vbo" + mode, "--txq=" + pairs,
            "--rxq=" + pairs, "--forward-mode=" + mode, "--eth-peer=0," + mac(p.dev));
        p.oursFront.awaitPrompt(30_000);
        Path sock = dir.resolve("dpdk" + mode + ".sock");
        p.dpdkBack = testpmd("net_vhost0,iface=" + sock + ",queues=" + pairs, "vbb" + mode, "--txq=" + pairs,
            "--rxq=" + pairs, "--forward-mode=" + (mode.equals("txonly") ? "rxonly" : "io"));
        p.dpdkBack.awaitPrompt(30_000);
        p.dpdkFront = testpmd(virtioUser(sock, pairs, frontArgs), "vbf" + mode, "--txq=" + pairs, "--rxq=" + pairs,
            "--forward-mode=" + mode);
        p.dpdkFront.awaitPrompt(30_000);
        signal("STOP", p.oursFront, p.dpdkBack, p.dpdkFront);
        return p;
      } catch (Exception | Error e) {
        try {
          p.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    }

    /**
     * txonly starts as it is; the io loop with a burst (tx_first) in every window: testpmd's
     * {@code start} first drains its receive queues, so what was in flight when the window before
     * stopped is gone, and every window starts from the same burst.
     */
    private String start() {
      return mode.equals("io") ? "start tx_first" : "start";
    }

    /** One window of our backend: the packets its device counted per second. */
    long ours(int seconds) throws Exception {
      int q = mode.equals("txonly") ? 1 : 0;
      String counter = mode.equals("txonly") ? "tx_packets" : "rx_packets";
      signal("CONT", oursFront);
      oursFront.command(start());
      Thread.sleep(300);
      long a = sum(dev, q, counter, pairs);
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long b = sum(dev, q, counter, pairs);
      long t1 = System.nanoTime();
      oursFront.command("stop");
      Thread.sleep(300);
      signal("STOP", oursFront);
      return (long) ((b - a) * 1e9 / (t1 - t0));
    }

    /** One window of DPDK's vhost PMD: the packets its port received per second. */
    long dpdk(int seconds) throws Exception {
      signal("CONT", dpdkBack, dpdkFront);
      dpdkBack.command("start");
      dpdkFront.command(start());
      Thread.sleep(300);
      // portCounter returns once testpmd has printed the statistics the command asked for
      long a = dpdkBack.portCounter("RX-packets");
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long b = dpdkBack.portCounter("RX-packets");
      long t1 = System.nanoTime();
      dpdkFront.command("stop");
      dpdkBack.command("stop");
      Thread.sleep(300);
      signal("STOP", dpdkBack, dpdkFront);
      return (long) ((b - a) * 1e9 / (t1 - t0));
    }

    /** Sends SIGSTOP or SIGCONT to testpmds. */
    private static void signal(String sig, Testpmd... ts) throws IOException, InterruptedException {
      for (Testpmd t : ts) {
        int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(t.process().pid())).start().waitFor();
        if (rc != 0) {
          throw new IOException("kill -" + sig + " " + t.process().pid() + " exited with " + rc);
        }
      }
    }

    @Override
    public void close() throws Exception {
      try {
        killAll();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run: it ends the testpmds itself
        }
        mgmt.devDel(name);
      }
    }

    /** Ends every testpmd, each on its own: a frozen one is woken first, so that it can end. */
    private void killAll() {
      for (Testpmd t : new Testpmd[] {oursFront, dpdkFront, dpdkBack}) {
        if (t == null) {
          continue;
        }
        try {
          if (t.process().isAlive()) {
            signal("CONT", t);
          }
        } catch (IOException e) {
          // it has gone, or kill could not run: close ends it by force
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        try {
          t.close();
        } catch (IOException e) {
          t.process().destroyForcibly();
        }
      }
    }
  }

  private static String virtioUser(Path sock, int pairs, String frontArgs) {
    return "net_virtio_user0,path=" + sock + ",queues=" + pairs + (pairs > 1 ? ",cq=1" : "")
        + (frontArgs.isEmpty() ? "" : "," + frontArgs);
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
