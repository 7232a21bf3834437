package net.vdpa.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code interleave.py --placement}: which of a fork's measured iterations ran in the wanted vCPU
 * placement, read from {@code PlacementProfiler}'s probes in the fork's JMH file ({@code
 * src/test/resources/placement-fixture}). A fork is run again unless more than half did. An
 * iteration whose two probes disagree (it moved) counts for neither placement. Needs {@code
 * python3}; skipped, saying so, without it.
 */
class InterleavePlacementTest {
  @Test
  void aForkCountsInAPlacementOnlyIfMostOfItsIterationsRanThere() throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleave.py is not tested");
    String fixture = "src/test/resources/placement-fixture/";
    // r1-c1: (100, 100) and (100, 105) near, (400, 410) far, (100, 400) moved
    assertThat(iterations(fixture + "r1-c1.json", "300")).isEqualTo("2 4 again");
    assertThat(iterations(fixture + "r1-c1.json", ">300")).isEqualTo("1 4 again");
    // r1-c2: (100, 100) near, (400, 400) and (410, 400) far
    assertThat(iterations(fixture + "r1-c2.json", ">300")).isEqualTo("2 3 counts");
    assertThat(iterations(fixture + "r1-c2.json", "300")).isEqualTo("1 3 again");
    // no file (a fork that failed): nothing ran in any placement
    assertThat(iterations(fixture + "missing.json", "300")).isEqualTo("0 0 again");
  }

  /** {@code placement_iterations(file, want)} and whether the fork would run again. */
  private static String iterations(String file, String want) throws IOException, InterruptedException {
    String script = "import importlib.util, sys\n"
        + "s = importlib.util.spec_from_file_location('interleave', 'interleave.py')\n"
        + "m = importlib.util.module_from_spec(s); s.loader.exec_module(m)\n"
        + "hits, total, counts = m.placement_iterations(sys.argv[1], sys.argv[2])\n"
        + "print(hits, total, 'counts' if counts else 'again')\n";
    Process p = new ProcessBuilder(List.of("python3", "-c", script, file, want)).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(printed).isZero();
    return printed;
  }
}
