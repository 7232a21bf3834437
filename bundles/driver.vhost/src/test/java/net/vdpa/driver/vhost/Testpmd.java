package net.vdpa.driver.vhost;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code dpdk-testpmd} with a virtio-user port on a vhost-user socket, interactively. */
final class Testpmd implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/dpdk-testpmd");

  private final Process process;
  private final Path output;
  private final OutputStream stdin;

  private Testpmd(Process process, Path output) {
    this.process = process;
    this.output = output;
    this.stdin = process.getOutputStream();
  }

  /** True if testpmd is installed. */
  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Starts testpmd in interactive mode.
   *
   * @param socket the vhost-user socket
   * @param prefix unique file prefix
   * @param args testpmd application arguments after {@code -i}
   */
  static Testpmd start(Path socket, String prefix, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("stdbuf", "-o0", BINARY.toString(), "-l", "0,1", "--no-huge", "-m", "512", "--no-pci",
        "--file-prefix=" + prefix, "--vdev", "net_virtio_user0,path=" + socket + ",queues=1", "--", "-i", "--total-num-mbufs=16384"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("testpmd-" + prefix, ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    return new Testpmd(p, out);
  }

  /** Sends one interactive command. */
  void command(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** The output so far. */
  String output() throws IOException {
    return Files.readString(output, StandardCharsets.ISO_8859_1);
  }

  /** Waits until the output contains {@code text}. */
  boolean await(String text, long millis) throws IOException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      if (output().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        return output().contains(text);
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** The last value of {@code NAME: number} in the output (for example {@code TX-packets}). */
  long lastCounter(String name) throws IOException {
    Matcher m = Pattern.compile(Pattern.quote(name) + ":\\s*(\\d+)").matcher(output());
    long v = -1;
    while (m.find()) {
      v = Long.parseLong(m.group(1));
    }
    return v;
  }

  /** The process. */
  Process process() {
    return process;
  }

  /** Stops it with SIGINT (as a user does), then waits. */
  boolean interrupt(long millis) throws InterruptedException, IOException {
    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Files.deleteIfExists(output);
  }
}
