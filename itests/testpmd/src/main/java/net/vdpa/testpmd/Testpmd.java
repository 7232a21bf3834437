package net.vdpa.testpmd;

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

/**
 * One {@code dpdk-testpmd} process in interactive mode on two lcores without hugepages or PCI
 * devices, its output going to a temporary file that {@link #output()} reads. Closing it stops it
 * with SIGINT, as a user would, and kills it if it does not end.
 */
public final class Testpmd implements AutoCloseable {
  /** Where Debian's {@code dpdk} package installs it. */
  public static final Path BINARY = Path.of("/usr/bin/dpdk-testpmd");

  private final Process process;
  private final Path output;
  private final OutputStream stdin;

  private Testpmd(Process process, Path output) {
    this.process = process;
    this.output = output;
    this.stdin = process.getOutputStream();
  }

  /**
   * Whether testpmd is installed.
   *
   * @return true if {@link #BINARY} is executable
   */
  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Starts testpmd with one virtio-user port, a frontend of the vhost-user socket.
   *
   * @param socket the vhost-user socket
   * @param prefix a name for its runtime files, unique among the testpmd processes running
   * @param args application arguments after {@code -i}, such as {@code --forward-mode=txonly}
   * @return the running process
   * @throws IOException if it cannot be started
   */
  public static Testpmd virtioUser(Path socket, String prefix, String... args) throws IOException {
    return start(List.of("--vdev", "net_virtio_user0,path=" + socket + ",queues=1"), prefix, args);
  }

  /**
   * Starts testpmd with the given EAL arguments (the ports, and any lcore choice).
   *
   * @param eal EAL arguments, such as {@code --vdev net_vhost0,iface=/tmp/s.sock,queues=1}
   * @param prefix a name for its runtime files; the JVM's pid is added to it
   * @param args application arguments after {@code -i}
   * @return the running process
   * @throws IOException if it cannot be started
   */
  public static Testpmd start(List<String> eal, String prefix, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("stdbuf", "-o0", BINARY.toString(), "-l", "0,1", "--no-huge", "-m", "512",
        "--no-pci", "--file-prefix=" + prefix + ProcessHandle.current().pid()));
    cmd.addAll(eal);
    cmd.addAll(List.of("--", "-i", "--total-num-mbufs=16384"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("testpmd-" + prefix, ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    return new Testpmd(p, out);
  }

  /**
   * Types one command at the prompt.
   *
   * @param line the command, such as {@code start}
   * @throws IOException if testpmd has gone
   */
  public void command(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /**
   * Everything it has printed so far.
   *
   * @return the output
   * @throws IOException if the output file cannot be read
   */
  public String output() throws IOException {
    return Files.readString(output, StandardCharsets.ISO_8859_1);
  }

  /**
   * Waits until the output contains a text, or the process has ended, or the time is up.
   *
   * @param text what to wait for
   * @param millis how long at the most
   * @return true if the text is there
   * @throws IOException if the output cannot be read
   * @throws InterruptedException if interrupted
   */
  public boolean await(String text, long millis) throws IOException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end && process.isAlive()) {
      if (output().contains(text)) {
        return true;
      }
      Thread.sleep(20);
    }
    return output().contains(text);
  }

  /**
   * Waits for the interactive prompt.
   *
   * @param millis how long at the most
   * @throws IOException with testpmd's output if the prompt did not come
   * @throws InterruptedException if interrupted
   */
  public void awaitPrompt(long millis) throws IOException, InterruptedException {
    if (!await("testpmd>", millis)) {
      throw new IOException("testpmd did not start: " + output());
    }
  }

  /**
   * The last value printed for a counter, {@code NAME: number}.
   *
   * @param name such as {@code TX-packets}
   * @return the value, or -1 if it was never printed
   * @throws IOException if the output cannot be read
   */
  public long lastCounter(String name) throws IOException {
    Matcher m = Pattern.compile(Pattern.quote(name) + ":\\s*(\\d+)").matcher(output());
    long v = -1;
    while (m.find()) {
      v = Long.parseLong(m.group(1));
    }
    return v;
  }

  /**
   * Asks for port 0's statistics and reads one counter from them.
   *
   * @param name such as {@code RX-packets}
   * @return the value, or -1 if it was never printed
   * @throws IOException if testpmd has gone
   * @throws InterruptedException if interrupted
   */
  public long portCounter(String name) throws IOException, InterruptedException {
    // only what the command prints counts: earlier statistics (a stop's summary, an earlier call)
    // are in the same output; wait until the answer is there, a whole number followed by a space
    final int from = output().length();
    command("show port stats 0");
    final Pattern counter = Pattern.compile(Pattern.quote(name) + ":\\s*(\\d+)\\s");
    final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      String out = output();
      if (out.length() > from) {
        Matcher m = counter.matcher(out.substring(from));
        if (m.find()) {
          return Long.parseLong(m.group(1));
        }
      }
      if (System.nanoTime() > end || !process.isAlive()) {
        return -1;
      }
      Thread.sleep(10);
    }
  }

  /**
   * The process.
   *
   * @return it
   */
  public Process process() {
    return process;
  }

  /**
   * Stops it with SIGINT, as a user does at the terminal, and waits for it to end.
   *
   * @param millis how long to wait
   * @return true if it has ended
   * @throws IOException if {@code kill} cannot be run
   * @throws InterruptedException if interrupted
   */
  public boolean interrupt(long millis) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException {
    try {
      if (process.isAlive() && !interrupt(3_000)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(output);
  }
}
