package net.vdpa.itests;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime jar run as a user runs it, in a directory that stays between runs (so its
 * {@code vdpa-cache} and {@code vdpa-state} do): {@code java -Dvdpa.script=FILE -jar
 * runtime/target/vdpa-runtime.jar}, one JVM per run.
 */
final class RuntimeProcess {
  /** What one run printed, and how it ended. */
  record Run(int status, List<String> out, List<String> err) {
    /** Everything printed, for assertion messages. */
    String all() {
      return "status " + status + "\nout:\n" + String.join("\n", out) + "\nerr:\n" + String.join("\n", err);
    }
  }

  private static final Pattern LB_ID = Pattern.compile("^\\s*(\\d+)\\|");

  private final Path dir;
  private final Path jar;

  RuntimeProcess(Path dir) {
    this.dir = dir;
    this.jar = Path.of(System.getProperty("vdpa.runtime.jar", "../runtime/target/vdpa-runtime.jar")).toAbsolutePath();
    assertTrue("runtime jar not built at " + jar, Files.isRegularFile(jar));
  }

  Path dir() {
    return dir;
  }

  /**
   * The framework cache of this jar's runs: {@code vdpa-cache} for the Felix jar, {@code
   * vdpa-cache-equinox} for the Equinox jar (the two frameworks store bundles differently).
   */
  Path cacheDir() {
    return dir.resolve(jar.getFileName().toString().contains("equinox") ? "vdpa-cache-equinox" : "vdpa-cache");
  }

  /** Deletes a directory and everything in it. */
  static void deleteTree(Path root) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Runs the commands as a script, stopping at the first that fails. */
  Run run(String... commands) throws IOException, InterruptedException {
    return run(List.of(commands), List.of());
  }

  /** Runs the commands as a script with extra JVM options ({@code -Dkey=value}). */
  Run run(List<String> commands, List<String> jvmOptions) throws IOException, InterruptedException {
    Path script = dir.resolve("script.gosh");
    Files.write(script, commands);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.addAll(jvmOptions);
    cmd.add("-Dvdpa.script=" + script);
    cmd.add("-jar");
    cmd.add(jar.toString());
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the runtime did not exit within 120 s; output: " + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), Files.readAllLines(err, StandardCharsets.UTF_8));
  }

  /**
   * Starts the commands as a script and leaves the runtime running: its output lines arrive on
   * the returned queue as they are printed (the end of output as {@link #EOF}); standard error
   * goes to {@code err.txt}.
   */
  Process start(List<String> commands, java.util.concurrent.BlockingQueue<String> lines) throws IOException {
    return start(commands, List.of(), lines);
  }

  /** As {@link #start(List, java.util.concurrent.BlockingQueue)}, with extra JVM options ({@code -Dkey=value}). */
  Process start(List<String> commands, List<String> jvmOptions, java.util.concurrent.BlockingQueue<String> lines)
      throws IOException {
    Path script = dir.resolve("script.gosh");
    Files.write(script, commands);
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.addAll(jvmOptions);
    cmd.add("-Dvdpa.script=" + script);
    cmd.add("-jar");
    cmd.add(jar.toString());
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(dir.resolve("err.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    Thread reader = new Thread(() -> {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = in.readLine(); l != null; l = in.readLine()) {
          lines.add(l);
        }
      } catch (IOException e) {
        // the process was killed: its pipe ends here
      }
      lines.add(EOF);
    }, "runtime-out");
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  /** The line {@link #start} adds when the runtime's output ends. */
  static final String EOF = "\u0000EOF";

  /**
   * Takes lines of a started process until one passes, within the time; every line taken goes to
   * {@code seen}.
   *
   * @throws AssertionError naming what was printed when no such line came in time
   */
  static void awaitLine(BlockingQueue<String> out, List<String> seen, Predicate<String> wanted, long ms)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (true) {
      String l = out.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (l == null || EOF.equals(l)) {
        throw new AssertionError("no such line within " + ms + " ms; the process printed:\n" + String.join("\n", seen));
      }
      seen.add(l);
      if (wanted.test(l)) {
        return;
      }
    }
  }

  /** The id of the bundle with this symbolic name, from {@code lb -s} in a run of its own. */
  long bundleId(String bsn) throws IOException, InterruptedException {
    Run r = run("lb -s " + bsn);
    for (String l : r.out()) {
      Matcher m = LB_ID.matcher(l);
      if (m.find() && l.contains("|" + bsn + " (")) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError("no bundle " + bsn + " in " + r.all());
  }

  /** The bundle jar the reactor built, as a file: URL. */
  static String bundleUrl(String property) {
    Path p = Path.of(System.getProperty(property));
    assertTrue(property + " not built at " + p, Files.isRegularFile(p));
    return p.toAbsolutePath().toUri().toString();
  }
}
