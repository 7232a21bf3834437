package net.vdpa.driver.vhost;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import net.vdpa.testpmd.Testpmd;

/** Skips a test class where dpdk-testpmd is missing, saying so in one line ({@code .ci/run} installs it). */
final class NeedTestpmd {
  private NeedTestpmd() {}

  static void check(String what) {
    if (!Testpmd.available()) {
      System.out.println("dpdk-testpmd is not installed: skipping " + what);
    }
    assumeTrue(Testpmd.available());
  }
}
