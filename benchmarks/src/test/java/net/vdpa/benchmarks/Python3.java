package net.vdpa.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Whether {@code python3} runs here: the tests of the benchmark scripts skip, saying so, without it. */
final class Python3 {
  private Python3() {}

  static boolean installed() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
