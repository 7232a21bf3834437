package net.vdpa.driver.vhost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A QEMU Linux guest (TCG, shared memfd memory) whose virtio-net-pci device (or, from {@link
 * #block}, vhost-user-blk-pci disk) is a vhost-user frontend of a socket. The guest is what {@code itests/guest/build-guest.sh} builds: its init
 * prints {@code GUEST ...} lines on the serial console and waits for a newline after each counter
 * line. Lines are read on a thread of their own; the test waits for them with deadlines.
 */
final class QemuGuest implements AutoCloseable {
  static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private final OutputStream console;

  /** Where the guest was built: {@code -Dvdpa.guest.dir}, {@code $VDPA_GUEST_DIR}, or ~/.cache/vdpa-guest. */
  static Path dir() {
    String p = System.getProperty("vdpa.guest.dir", System.getenv("VDPA_GUEST_DIR"));
    return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "vdpa-guest");
  }

  /** Why a guest cannot run here, or null if it can. */
  static String missing() {
    if (!Files.isExecutable(QEMU)) {
      return QEMU + " is not installed (apt-get install qemu-system-x86)";
    }
    if (!Files.isRegularFile(dir().resolve("vmlinuz")) || !Files.isRegularFile(dir().resolve("initramfs.cpio.gz"))) {
      return "no guest in " + dir() + " (build it: itests/guest/build-guest.sh)";
    }
    return null;
  }

  QemuGuest(Path socket, String mac) throws IOException {
    this(socket, mac, false, 1, "");
  }

  /**
   * Starts QEMU.
   *
   * @param socket the vhost-user socket
   * @param mac the guest's MAC
   * @param server true if QEMU listens on the socket ({@code server=on}) and the backend connects
   */
  QemuGuest(Path socket, String mac, boolean server) throws IOException {
    this(socket, mac, server, 1, "");
  }

  /**
   * Boots a guest.
   *
   * @param socket the vhost-user socket
   * @param mac the guest NIC's MAC
   * @param server true if QEMU listens on the socket ({@code server=on}) and the backend connects
   * @param queues queue pairs of the netdev (more than 1: the device gets {@code mq=on} and the
   *     guest as many CPUs)
   * @param deviceOptions more {@code virtio-net-pci} options, such as {@code ,packed=on}, or ""
   */
  QemuGuest(Path socket, String mac, boolean server, int queues, String deviceOptions) throws IOException {
    this(queues, "", "socket,id=c0,path=" + socket + (server ? ",server=on,wait=off" : ""),
        "-netdev", "vhost-user,id=n0,chardev=c0,queues=" + queues,
        "-device", "virtio-net-pci,netdev=n0,mac=" + mac + ",vectors=0" + (queues > 1 ? ",mq=on" : "") + deviceOptions);
  }

  /**
   * Boots a guest whose disk {@code /dev/vda} is {@code -device vhost-user-blk-pci} on the socket:
   * its init runs the block test ({@code vdpa.test=blk}).
   *
   * @param socket the vhost-user socket the backend listens on
   * @param queues the disk's request queues ({@code num-queues}); the guest gets as many CPUs, as
   *     Linux's virtio_blk uses at most one queue per CPU
   * @return the guest
   */
  static QemuGuest block(Path socket, int queues) throws IOException {
    return new QemuGuest(queues, " vdpa.test=blk", "socket,id=c0,path=" + socket,
        "-device", "vhost-user-blk-pci,chardev=c0,num-queues=" + queues);
  }

  private QemuGuest(int cpus, String append, String chardev, String... device) throws IOException {
    Path d = dir();
    List<String> cmd = new ArrayList<>(List.of(QEMU.toString(), "-M", "q35", "-m", "256M", "-smp", Integer.toString(cpus),
        "-display", "none", "-serial", "stdio",
        "-monitor", "none", "-no-reboot", "-kernel", d.resolve("vmlinuz").toString(), "-initrd",
        d.resolve("initramfs.cpio.gz").toString(), "-append", "console=ttyS0 panic=-1" + (Boolean.getBoolean("vdpa.guest.verbose") ? "" : " quiet") + append,
        "-object", "memory-backend-memfd,id=mem,size=256M,share=on", "-machine", "memory-backend=mem",
        "-chardev", chardev));
    cmd.addAll(List.of(device));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    console = process.getOutputStream();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          lines.add(l);
        }
      } catch (IOException ended) {
        // the process is gone
      }
    }, "qemu-console");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Waits for the next console line that starts with the prefix.
   *
   * @return the line
   * @throws AssertionError naming what the console said, on timeout
   */
  String await(String prefix, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      String l = lines.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (l == null) {
        throw new AssertionError("the guest did not say '" + prefix + "' within " + seconds + " s; it said:\n"
            + String.join("\n", seen));
      }
      seen.add(l);
      if (l.startsWith(prefix)) {
        return l;
      }
    }
  }

  /** Lets the guest go on after a counter line. */
  void ack() throws IOException {
    console.write('\n');
    console.flush();
  }

  /** The numbers of a {@code GUEST <phase> tx N rx M} line: {tx, rx}. */
  static long[] counters(String line) {
    String[] w = line.trim().split("\\s+");
    return new long[] {Long.parseLong(w[3]), Long.parseLong(w[5])};
  }

  /** QEMU's process id. */
  long pid() {
    return process.pid();
  }

  /** SIGKILL, as {@code kill -9}. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
