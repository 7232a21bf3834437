package net.vdpa.itests.browser;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime jar as a user runs it, in one directory: script runs ({@code -Dvdpa.script}) for the
 * shell's view, and one long run with the Web Console on a free loopback port. The port is read
 * from Jetty's own "Started ServerConnector" line (asked for at INFO on standard error), which also
 * says the server is up: nothing is polled.
 */
final class Runtime implements AutoCloseable {
  private static final Pattern STARTED = Pattern.compile("Started ServerConnector@\\S+\\{HTTP/1.1, \\(http/1.1\\)\\}\\{([0-9.]+):(\\d+)\\}");

  private final Path dir;
  private final Path jar;
  private final List<String> err = new CopyOnWriteArrayList<>();
  private Process process;

  Runtime(Path dir) {
    this.dir = dir;
    this.jar = Path.of(System.getProperty("vdpa.runtime.jar", "../../runtime/target/vdpa-runtime.jar")).toAbsolutePath();
    assertTrue("runtime jar not built at " + jar, Files.isRegularFile(jar));
  }

  private String java() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  /** Runs the commands as a script and returns what they printed; fails unless all succeed. */
  List<String> script(String... commands) throws IOException, InterruptedException {
    Path script = dir.resolve("script.gosh");
    Files.write(script, List.of(commands));
    Path out = dir.resolve("script-out.txt");
    Path errFile = dir.resolve("script-err.txt");
    Process p = new ProcessBuilder(java(), "-Dvdpa.script=" + script, "-jar", jar.toString()).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(errFile.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    assertTrue("the script run did not end within 120 s", p.waitFor(120, TimeUnit.SECONDS));
    assertEquals("script run failed: " + Files.readString(errFile), 0, p.exitValue());
    return Files.readAllLines(out, StandardCharsets.UTF_8);
  }

  /**
   * Starts the runtime with its Web Console on a free port of 127.0.0.1 and waits until the server
   * listens.
   *
   * @return the address it listens on, {@code 127.0.0.1:PORT}
   */
  String start() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Dorg.osgi.service.http.port=0",
        "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty.server.AbstractConnector=info",
        "-Dgosh.args=--nointeractive", "-jar", jar.toString()));
    process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("run-out.txt").toFile()).start();
    CompletableFuture<String> address = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          err.add(l);
          Matcher m = STARTED.matcher(l);
          if (m.find()) {
            address.complete(m.group(1) + ":" + m.group(2));
          }
        }
        address.completeExceptionally(new AssertionError("the runtime ended before its web server started: " + err));
      } catch (IOException e) {
        address.completeExceptionally(e);
      }
    }, "runtime-stderr");
    reader.setDaemon(true);
    reader.start();
    return address.get(90, TimeUnit.SECONDS);
  }

  /** What the long run printed on standard error so far. */
  List<String> err() {
    return err;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy(); // SIGTERM: the runtime's shutdown hook stops the framework
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
