package net.vdpa.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code interleave.py --placement}: which of a fork's measured iterations ran in the wanted vCPU
 * placement, read from {@code PlacementProfiler}'s probes in the fork's JMH file ({@code
 * src/test/resources/placement-fixture}). A fork is run again unless more than half did. An
 * iteration whose two probes disagree (it moved) counts for neither placement. Needs {@code
 * python3}; skipped, saying so, without it. Also: a jar that would take the shared baseline's tag, or is
 * missing, is refused before any fork runs.
 */
class InterleavePlacementTest {
  /** Python that loads interleave.py as module {@code m} (run from the benchmarks folder). */
  private static final String LOAD = "import importlib.util, sys\n"
      + "s = importlib.util.spec_from_file_location('interleave', 'interleave.py')\n"
      + "m = importlib.util.module_from_spec(s); s.loader.exec_module(m)\n";

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
    // a range: from LO to HI, both included (the ~100 ns placement without a ~50 ns one)
    assertThat(iterations(fixture + "r1-c1.json", "70-300")).isEqualTo("2 4 again");
    assertThat(iterations(fixture + "r1-c1.json", "150-300")).isEqualTo("0 4 again");
    assertThat(iterations(fixture + "r1-c2.json", "300-500")).isEqualTo("2 3 counts");
    assertThat(iterations(fixture + "r1-c2.json", "400-400")).isEqualTo("1 3 again");
    // no file (a fork that failed): nothing ran in any placement
    assertThat(iterations(fixture + "missing.json", "300")).isEqualTo("0 0 again");
  }

  @Test
  void aPlacementThatIsNoRoundTripIsRefusedNamingIt() throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleave.py is not tested");
    for (String bad : new String[] {"300-70", "near", "70-", ">x", "nan", "70-inf"}) {
      String script = LOAD + "sys.argv[1:] = ['--placement', sys.argv[1], '/tmp/none', 'x']\nm.main()\n";
      assertThat(run(script, bad)).isEqualTo("1 --placement " + bad
          + ": not a round trip in ns (NS, >NS or LO-HI, e.g. 300, '>300' or 70-300)");
    }
  }

  @Test
  void aJarThatWouldTakeTheBaselinesTagOrIsMissingIsRefusedNamingIt(@TempDir Path dir) throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleave.py is not tested");
    Path own = Files.createFile(dir.resolve("benchmarks.jar"));
    Path base = Files.createFile(dir.resolve("base.jar"));
    Path other = Files.createFile(dir.resolve("old.jar"));
    String script = LOAD + "print(m.fork_jar(sys.argv[1], sys.argv[2]))\n";
    assertThat(run(script, other + "::ring.RingBenchmark -p ring=split", own.toString()))
        .isEqualTo("0 ('" + other + "', 'ring.RingBenchmark -p ring=split', 'old')");
    assertThat(run(script, "ring.RingBenchmark", own.toString()))
        .isEqualTo("0 ('" + own + "', 'ring.RingBenchmark', '')");
    assertThat(run(script, base + "::ring.RingBenchmark", own.toString()))
        .isEqualTo("1 " + base + "::ring.RingBenchmark: " + base
            + " would be labelled 'base', the shared baseline's tag; copy it under another name");
    Path missing = dir.resolve("gone.jar");
    assertThat(run(script, missing + "::ring.RingBenchmark", own.toString()))
        .isEqualTo("1 " + missing + "::ring.RingBenchmark: " + missing + " is not a file");
  }

  /** The script's exit status, a space, and what it printed (standard output and error, trimmed). */
  private static String run(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("PERF_BASELINE_JAR");
    Process p = pb.start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + " " + printed;
  }

  /** {@code placement_iterations(file, want)} and whether the fork would run again. */
  private static String iterations(String file, String want) throws IOException, InterruptedException {
    String script = LOAD + "hits, total, counts = m.placement_iterations(sys.argv[1], sys.argv[2])\n"
        + "print(hits, total, 'counts' if counts else 'again')\n";
    String printed = run(script, file, want);
    assertThat(printed).startsWith("0 ");
    return printed.substring(2);
  }
}
