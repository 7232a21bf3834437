package net.vdpa.karaf;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Karaf's console as a person at a terminal has it: OpenSSH's {@code ssh -tt} (a pseudo-terminal,
 * so Karaf's line reader runs with Tab completion) logged in with a key, keystrokes written to it
 * and the screen read back without its escape sequences. Each step waits for the text it expects,
 * with a timeout, never for a fixed time.
 */
final class KarafTerminal implements AutoCloseable {
  private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]|\u001B\\][^\u0007]*\u0007|\u001B[()][0-9A-B]|\u001B[=>]|\r");
  private final Process ssh;
  private final OutputStream keys;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition grew = lock.newCondition();
  // guarded by lock: everything the terminal showed since the last mark
  private final StringBuilder screen = new StringBuilder();
  private int mark;

  KarafTerminal(Path key, int port) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of("ssh", "-tt", "-i", key.toString(), "-p", Integer.toString(port),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
        "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=publickey", "karaf@127.0.0.1")).redirectErrorStream(true);
    pb.environment().put("TERM", "xterm");
    ssh = pb.start();
    keys = ssh.getOutputStream();
    Thread reader = new Thread(this::read, "karaf-terminal");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    byte[] buf = new byte[4096];
    try (InputStream in = ssh.getInputStream()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        lock.lock();
        try {
          screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          grew.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      // the session ended: what was read stays for the assertions
    }
  }

  /** Types the keys (a Tab is {@code \t}, Enter is {@code \n}). */
  void type(String keystrokes) throws IOException {
    keys.write(keystrokes.getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }

  /**
   * Waits until the screen, since the last call, shows {@code expected} (escape sequences left out),
   * and returns what it showed.
   */
  String await(String expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    lock.lock();
    try {
      while (true) {
        String seen = ESCAPES.matcher(screen.substring(mark)).replaceAll("");
        int at = seen.indexOf(expected);
        if (at >= 0) {
          mark = screen.length();
          return seen;
        }
        long left = deadline - System.nanoTime();
        assertTrue("the terminal did not show '" + expected + "'; it showed:\n" + seen, left > 0 && ssh.isAlive());
        grew.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      type("logout\n");
    } catch (IOException gone) {
      // already closed
    }
    if (!ssh.waitFor(30, TimeUnit.SECONDS)) {
      ssh.destroyForcibly();
    }
  }
}
