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
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code interleaved-summary.py}, which {@code interleave.py} runs at the end of every interleaved run,
 * on a fixture folder of fake JMH results ({@code src/test/resources/interleaved-fixture}: two rounds of
 * block I/O, PMD, UDP cable and issue 15 before/after forks, round 2's FileChannel fork disturbed): the
 * default ratios of every script are computed from the right figure (a counter where there is one,
 * else the primary score, a time per operation as a rate) and written to {@code summary.md} beside a
 * {@code ratios.svg} with one panel per ratio; and, from {@code placement-fixture}, the same ratios
 * inside each vCPU placement that {@code PlacementProfiler} recorded per iteration. Needs {@code python3}; skipped, saying so, without it.
 */
class InterleavedSummaryTest {
  @TempDir
  Path tmp;

  @Test
  void theSummaryWritesEveryScriptsRatiosAndTheirChart() throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleaved-summary.py is not tested");
    Path out = tmp.resolve("out");
    String printed = summarise("interleaved-fixture", out);
    List<String> summary = Files.readAllLines(out.resolve("summary.md"));
    assertThat(summary).contains(
        // blk: the waiting submitter's primary score; the chained method's "completed", not its primary
        "| BlockDevice QD 1 waiting submitter randread / FileChannel, 1 thread | 0.50 / 0.60* | 0.55× | 0.50× (1 of 2) | - | too few rounds (≥ 0.5×) |",
        "| BlockDevice QD 1 chained randread / FileChannel, 1 thread | 0.80 / 0.80* | 0.80× | 0.80× (1 of 2) | - | too few rounds (≥ 0.5×) |",
        // pt: frames received by the PMD against NetInterface and the bare ring's transfers
        "| PMD 64 B / NetInterface 64 B, split, 1 pair | 1.50 / 1.50 | 1.50× | 1.50× (2 of 2) | - | too few rounds (≥ 1×) |",
        "| PMD 64 B / bare ring 64 B | 0.45 / 0.45 | 0.45× | 0.45× (2 of 2) | - | - |",
        "| UDP cable 64 B / DatagramChannel 64 B | 0.75 / 0.75 | 0.75× | 0.75× (2 of 2) | - | too few rounds (≥ 0.5×) |",
        // issue 15: 40 ms/op against before15's 80 ms/op is twice the rate
        "| issue 15 after / before: bus bind, 1,000 devices | 2.00 / 2.00 | 2.00× | 2.00× (2 of 2) | - | - |",
        "| BusBindBenchmark.bind devices=1000,impl=bus | 25 /s / 25 /s | 25 /s | 25 /s | 110 110 | 0.01 0.01 |",
        "![per-round ratios](ratios.svg)");
    assertThat(printed).contains(String.join("\n", summary.subList(0, 3)));

    String svg = Files.readString(out.resolve("ratios.svg"));
    assertThat(svg).startsWith("<svg ").contains("issue 15 after / before: bus bind, 1,000 devices")
        .contains("must 0.5×").contains("goal 1.5×");
    // one panel per ratio of the table: 7 (blk 2, pt 2, udp 1, issue 15 1, NetInterface / bare ring 1)
    long ratioRows = summary.stream().filter(l -> l.matches("\\| [^|]+ \\| [0-9.* /]+ \\| [0-9.]+× \\|.*")).count();
    assertThat(ratioRows).isEqualTo(7);
    assertThat(svg.split("fill=\"#fafafa\"", -1)).hasSize(8);
  }

  @Test
  void ratiosInsideOnePlacementCompareOnlyIterationsWhoseProbesAgree() throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleaved-summary.py is not tested");
    // placement-fixture: PMD and NetInterface forks with PlacementProfiler's round trips per
    // iteration; one PMD iteration (9 M, 100 ns before, 400 ns after) moved and must count nowhere
    Path out = tmp.resolve("out");
    summarise("placement-fixture", out);
    List<String> summary = Files.readAllLines(out.resolve("summary.md"));
    assertThat(summary).contains(
        "Placements (cross-core round trip around each measured iteration, PlacementProfiler): "
            + "~50 ns (50-51 ns, 2 iterations); ~100 ns (100-102 ns, 3 iterations); "
            + "~400 ns (400-405 ns, 5 iterations)",
        "| PMD 64 B / NetInterface 64 B, split, 1 pair | ~50 ns | r2 1.50 | 1.50× (1 round) | 1.50× (1:1 iterations) |",
        "| PMD 64 B / NetInterface 64 B, split, 1 pair | ~100 ns | r1 1.25 | 1.25× (1 round) | 1.25× (2:1 iterations) |",
        "| PMD 64 B / NetInterface 64 B, split, 1 pair | ~400 ns | r1 2.00 / r2 1.25 | 1.62× (2 rounds) | 2.25× (2:3 iterations) |");
  }

  @Test
  void aForkLeftOutsideTheWantedPlacementIsMarkedWithItsRatios() throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleaved-summary.py is not tested");
    // placement-fixture's forks as interleave.py --placement '>300' records them when their retries
    // ran out (its own count of each fork's iterations): round 1's NetInterface fork had 2 of its 3
    // iterations far and counts; round 1's PMD fork (1 of 4) and both of round 2's (1 of 2) do not
    Path out = tmp.resolve("out");
    copy(Path.of("src/test/resources/placement-fixture"), out);
    String script = "import importlib.util, json, sys\n"
        + "s = importlib.util.spec_from_file_location('interleave', 'interleave.py')\n"
        + "m = importlib.util.module_from_spec(s); s.loader.exec_module(m)\n"
        + "path = sys.argv[1] + '/forks.jsonl'\n"
        + "recs = [json.loads(l) for l in open(path)]\n"
        + "for r in recs:\n"
        + "    hits, total, _ = m.placement_iterations(f\"{sys.argv[1]}/r{r['round']}-c{r['config']}.json\", '>300')\n"
        + "    r['placement'] = {'want': '>300', 'iterations': hits, 'of': total}\n"
        + "open(path, 'w').write(''.join(json.dumps(r) + '\\n' for r in recs))\n";
    Process p = new ProcessBuilder(List.of("python3", "-c", script, out.toString())).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(printed).isZero();
    assertThat(Files.readString(out.resolve("forks.jsonl"))).contains("\"iterations\": 2, \"of\": 3", "\"iterations\": 1, \"of\": 4");
    run(out);
    List<String> lines = Files.readAllLines(out.resolve("summary.md"));
    assertThat(lines.get(0)).contains("(* = disturbed fork, † = most iterations outside the wanted placement)");
    assertThat(lines).anyMatch(l -> l.startsWith("| NetInterfaceBenchmark.") && l.split("\\|")[2].trim().matches("[0-9.]+ / [0-9.]+†"));
    assertThat(lines).anyMatch(l -> l.startsWith("| PmdBenchmark.") && l.split("\\|")[2].trim().matches("[0-9.]+† / [0-9.]+†"));
    assertThat(lines).anyMatch(l -> l.startsWith("| PMD 64 B / NetInterface 64 B, split, 1 pair | ")
        && l.split("\\|")[2].trim().matches("[0-9.]+† / [0-9.]+†"));
  }

  @Test
  void theMediansIntervalDecidesAMustOnlyWhenItClearsTheLine() throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleaved-summary.py is not tested");
    // six rounds, one fork each of the split and packed ring at 64 B and 1,500 B, of the shared
    // JCTools pair and Agrona; with six rounds the interval is the lowest and highest ratio (it holds
    // the median with 1 - 2/64 = 97% confidence; the 2nd lowest and highest would hold it with 78%).
    // The PMD and NetInterface ran in rounds 1-4 only: 4 rounds decide nothing (even the lowest and
    // highest would cover 1 - 2/16 = 88%)
    double[] split64 = {30, 30, 30, 30, 30, 30};
    double[] packed64 = {24, 26.4, 27, 27.6, 28.5, 30}; // 0.80-1.00, median 0.91: undecided
    double[] jctools = {20, 22, 24, 25, 26, 28}; // split / JCTools 1.07-1.50: met (>= 1.0)
    double[] split1500 = {12, 12.5, 13, 13, 14, 15};
    double[] agrona = {10, 10, 10, 10, 10, 10}; // split / Agrona 1.2 exactly at the lowest: met (>= 1.2)
    double[] packed1500 = {8.4, 9.375, 10.4, 11.05, 12.32, 13.35}; // 0.70-0.89: not met (>= 0.9)
    double[] pmd = {15, 15, 15, 15}; // PMD / NetInterface 1.5 in 4 rounds: too few (>= 1.0)
    double[] netInterface = {10, 10, 10, 10};
    Path out = tmp.resolve("out");
    writeSet(out, 6, r -> {
      List<String> benches = new ArrayList<>(List.of(
          ring("split", 64, split64[r - 1]), ring("packed", 64, packed64[r - 1]),
          ring("split", 1500, split1500[r - 1]), ring("packed", 1500, packed1500[r - 1]),
          fork("anchors.JcToolsPairBench.pair", "\"payload\": \"64\"", "transfers", jctools[r - 1]),
          fork("anchors.AgronaBench.agrona", "\"payload\": \"1500\"", "transfers", agrona[r - 1])));
      if (r <= pmd.length) {
        benches.add(fork("net.vdpa.benchmarks.pt.PmdBenchmark.pmd", "\"burst\": \"32\", \"frame\": \"64\"",
            "received", pmd[r - 1]));
        benches.add(fork("net.vdpa.benchmarks.net.NetInterfaceBenchmark.pairs1",
            "\"burst\": \"32\", \"frame\": \"64\", \"ring\": \"split\"", "received", netInterface[r - 1]));
      }
      return benches;
    }, c -> c == 5 || c == 6);
    String printed = run(out);
    assertThat(Files.readAllLines(out.resolve("summary.md"))).as(printed).contains(
        "| packed / split, 64 B batched | 0.80 / 0.88 / 0.90 / 0.92 / 0.95 / 1.00 | 0.91× | 0.91× (6 of 6) "
            + "| 0.800-1.000× | undecided (≥ 0.9×) |",
        "| split 64 B batched / shared JCTools pair 64 B | 1.50 / 1.36 / 1.25 / 1.20 / 1.15 / 1.07 | 1.23× "
            + "| 1.23× (6 of 6) | 1.071-1.500× | met (≥ 1×) |",
        "| split 1500 B batched / shared Agrona 1500 B | 1.20 / 1.25 / 1.30 / 1.30 / 1.40 / 1.50 | 1.30× "
            + "| 1.30× (6 of 6) | 1.200-1.500× | met (≥ 1.2×) |",
        "| packed / split, 1500 B batched | 0.70 / 0.75 / 0.80 / 0.85 / 0.88 / 0.89 | 0.82× | 0.82× (6 of 6) "
            + "| 0.700-0.890× | not met (≥ 0.9×) |",
        "| PMD 64 B / NetInterface 64 B, split, 1 pair | 1.50 / 1.50 / 1.50 / 1.50 | 1.50× | 1.50× (4 of 4) "
            + "| - | too few rounds (≥ 1×) |");
  }

  @Test
  void configurationsThatDifferOnlyInJvmOptionsKeepRowsOfTheirOwn() throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleaved-summary.py is not tested");
    // the same benchmark and parameters twice, the second with JVM options in its spec: one row
    // each, the options in brackets, and a ratio between them
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    StringBuilder forks = new StringBuilder();
    String jvm = "-jvmArgsAppend '-Xmx1g -XX:ObjectAlignmentInBytes=64'";
    for (int r = 1; r <= 2; r++) {
      Files.writeString(out.resolve("r" + r + "-c1.json"), "[" + ring("split", 64, 30) + "]");
      Files.writeString(out.resolve("r" + r + "-c2.json"), "[" + ring("split", 64, 45) + "]");
      for (int c = 1; c <= 2; c++) {
        forks.append("{\"round\": ").append(r).append(", \"config\": ").append(c)
            .append(", \"tag\": \"\", \"spec\": \"ring.RingBenchmark.ring$ -p ring=split")
            .append(c == 2 ? " " + jvm : "").append("\", \"rtt_ns\": 300.0, \"others_cpus\": 0.0, \"disturbed\": false}\n");
      }
    }
    Files.writeString(out.resolve("forks.jsonl"), forks);
    String plain = "RingBenchmark.ring batch=32,payload=64,ring=split";
    String printed = run(out, "--ratio", "aligned / not=" + plain + " \\(jvm: -Xmx1g -XX:ObjectAlignmentInBytes=64\\)/" + plain);
    List<String> summary = Files.readAllLines(out.resolve("summary.md"));
    assertThat(summary).as(printed)
        .anyMatch(l -> l.startsWith("| " + plain + " | 30.00 / 30.00 |"))
        .anyMatch(l -> l.startsWith("| " + plain + " (jvm: -Xmx1g -XX:ObjectAlignmentInBytes=64) | 45.00 / 45.00 |"))
        .anyMatch(l -> l.startsWith("| aligned / not | 1.50 / 1.50 | 1.50× |"));
  }

  @Test
  void theDefaultRatiosTakeRingBenchmarksDefaultForkWhenASetAlsoTouches() throws Exception {
    assumeTrue(Python3.installed(), "python3 is not installed: interleaved-summary.py is not tested");
    // RingBenchmark's forks as JMH reports them today, every parameter named: the default
    // (touch=false since s52) at 30 M/s and touch=true at 45, beside the shared JCTools pair at 25.
    // The default ratio is the default fork's (1.20), not the touching one's (1.80)
    Path out = tmp.resolve("out");
    writeSet(out, 2, r -> List.of(
        fork("anchors.JcToolsPairBench.pair", "\"payload\": \"64\"", "transfers", 25),
        allParams("false", 30), allParams("true", 45)), c -> c == 1);
    String printed = run(out);
    assertThat(Files.readAllLines(out.resolve("summary.md"))).as(printed)
        .anyMatch(l -> l.startsWith("| split 64 B batched / shared JCTools pair 64 B | 1.20 / 1.20 | 1.20× |"))
        .noneMatch(l -> l.startsWith("| split 64 B batched / shared JCTools pair 64 B | 1.80"));
  }

  /**
   * Writes a set as {@code interleave.py} leaves it: per round, one result file per fork ({@code
   * forksOfRound}'s list, configuration 1 first) and its record in {@code forks.jsonl}, undisturbed,
   * at a 300 ns round trip, tagged {@code base} (the shared baseline's jar) where {@code isBase} says.
   */
  private static void writeSet(Path out, int rounds, IntFunction<List<String>> forksOfRound, IntPredicate isBase)
      throws IOException {
    Files.createDirectories(out);
    StringBuilder records = new StringBuilder();
    for (int r = 1; r <= rounds; r++) {
      List<String> benches = forksOfRound.apply(r);
      for (int c = 1; c <= benches.size(); c++) {
        Files.writeString(out.resolve("r" + r + "-c" + c + ".json"), "[" + benches.get(c - 1) + "]");
        records.append("{\"round\": ").append(r).append(", \"config\": ").append(c).append(", \"tag\": \"")
            .append(isBase.test(c) ? "base" : "")
            .append("\", \"rtt_ns\": 300.0, \"others_cpus\": 0.0, \"disturbed\": false}\n");
      }
    }
    Files.writeString(out.resolve("forks.jsonl"), records);
  }

  /** A split {@code RingBenchmark} fork at 64 B with every parameter named, {@code touch} as given. */
  private static String allParams(String touch, double mega) {
    return fork("net.vdpa.benchmarks.ring.RingBenchmark.ring", "\"batch\": \"32\", \"inOrder\": \"false\", "
        + "\"payload\": \"64\", \"readAhead\": \"0\", \"ring\": \"split\", \"slots\": \"fifo\", \"touch\": \"" + touch + "\"",
        "transfers", mega);
  }

  /** A fork of {@code benchmark} with the given JSON params whose {@code counter} reads {@code mega} M/s. */
  private static String fork(String benchmark, String params, String counter, double mega) {
    return "{\"benchmark\": \"" + benchmark + "\", \"params\": {" + params + "}, \"primaryMetric\": "
        + "{\"score\": 1, \"scoreUnit\": \"ops/s\"}, \"secondaryMetrics\": {\"" + counter + "\": {\"score\": "
        + mega * 1e6 + ", \"scoreUnit\": \"ops/s\"}}}";
  }

  /** A {@code RingBenchmark} fork of the given ring and payload carrying {@code mega} M transfers/s. */
  private static String ring(String ring, int payload, double mega) {
    return fork("net.vdpa.benchmarks.ring.RingBenchmark.ring",
        "\"batch\": \"32\", \"payload\": \"" + payload + "\", \"ring\": \"" + ring + "\"", "transfers", mega);
  }

  /** Copies a fixture folder to {@code out}, runs the summary on it and returns what it printed. */
  private static String summarise(String fixture, Path out) throws IOException, InterruptedException {
    copy(Path.of("src/test/resources", fixture), out);
    return run(out);
  }

  /** Runs the summary on a folder of results, with any further arguments, and returns what it printed. */
  private static String run(Path out, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3", "interleaved-summary.py", out.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(printed).isZero();
    return printed;
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
