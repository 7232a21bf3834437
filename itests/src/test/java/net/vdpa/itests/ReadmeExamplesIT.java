package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Every shell example of the README pastes and runs. The examples are the fenced blocks whose
 * lines start with {@code g! }; each block runs as one script in a fresh runtime (a new directory:
 * every block starts from a fresh runtime, as a reader's first try does; two blocks run at a time) with
 * {@code -Dvdpa.script.echo=true}, so that the transcript shows each command before its output.
 *
 * <p>The rules, so that a README author knows what is checked:
 *
 * <ul>
 *   <li>Every command must succeed (nothing on standard error), except a command whose shown
 *       output is exactly the one-line error it fails with: the README shows refusals that way
 *       ({@code mtu 40 is below 68}), and the script goes on after it.</li>
 *   <li>A command's text after whitespace and {@code #} is a comment for the reader and is not
 *       sent.</li>
 *   <li>The lines the README shows under a command are its output, all of it: the same number of
 *       lines, compared token by token (split on spaces). A command shown without output lines is
 *       checked for success only. Blank lines at the end of an output are ignored.</li>
 *   <li>Values that legitimately vary from run to run are measurements: a token that is a number
 *       with a decimal point ({@code 0.359}, {@code 69.961}), or a number directly followed by a
 *       token ending in {@code /s} ({@code 557611 frames/s}), matches any number of the same
 *       form. Everything else is exact: names, MACs (derived from device names, so stable),
 *       counters, sizes, states.</li>
 *   <li>Progress lines, which a long command prints while it runs (two spaces, then
 *       {@code sent N received N}, once a second; a {@code dev add} that takes over a second: two
 *       spaces, then the bus's events and {@code waiting for the bus ...}), appear or not
 *       depending on the machine's speed: they are left out of the runtime's output before comparing, unless the README
 *       shows one.</li>
 *   <li>A block that cannot run non-interactively (a command that waits for events from another
 *       session, or needs another terminal) is excluded by a marker on the line before its
 *       fence: {@code <!-- readme-examples: not run: REASON -->}. The reason is required; excluded
 *       blocks are listed in the test's output. Nothing else is skipped.</li>
 * </ul>
 */
public class ReadmeExamplesIT {
  private static final Pattern SKIP = Pattern.compile("<!--\\s*readme-examples:\\s*not run:\\s*(.*?)\\s*-->");
  private static final Pattern DECIMAL = Pattern.compile("\\(?-?\\d+\\.\\d+\\)?,?");
  private static final Pattern INTEGER = Pattern.compile("\\(?-?\\d+");
  private static final Pattern PROGRESS = Pattern.compile("  sent \\d+ received \\d+|  waiting for the bus to create .*|  \\[device\\] .*");
  private static final String PROMPT = "g! ";
  /** Blocks run at once. */
  private static final int PARALLEL_BLOCKS = 2;

  @Rule
  public TemporaryFolder tmp = new TemporaryFolder();

  /** One command as the README shows it, and the output lines it shows under it. */
  record Example(int line, String command, List<String> output) {}

  /** One fenced block of examples. */
  record Block(int line, List<Example> examples, String skipReason) {}

  @Test
  public void everyReadmeShellExampleRunsAndPrintsWhatTheReadmeShows() throws Exception {
    Path readme = Path.of(System.getProperty("vdpa.readme", "../README.md"));
    List<Block> blocks = blocks(Files.readAllLines(readme));
    assertTrue("the README has shell examples", blocks.stream().filter(b -> b.skipReason() == null).count() >= 3);
    // blocks are independent runtimes in directories of their own: two at a time (each spends
    // most of its few seconds starting a JVM and a framework)
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_BLOCKS);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (Block b : blocks) {
        if (b.skipReason() != null) {
          System.out.println("README line " + b.line() + ": not run: " + b.skipReason());
          continue;
        }
        results.add(pool.submit(() -> run(b)));
      }
      List<String> failures = new ArrayList<>();
      for (Future<List<String>> r : results) {
        failures.addAll(r.get());
      }
      assertTrue(String.join("\n", failures), failures.isEmpty());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void measurementsVaryButEverythingElseIsExact() {
    String shown = "vnet0 -> vnet0: sent 200000 received 200000 lost 0 size 64 in 0.359 s (557611 frames/s, 0.285 Gbit/s)";
    assertTrue(matches(shown, "vnet0 -> vnet0: sent 200000 received 200000 lost 0 size 64 in 1.020 s (196078 frames/s, 0.100 Gbit/s)"));
    assertFalse(matches(shown, "vnet0 -> vnet0: sent 200000 received 199000 lost 1000 size 64 in 0.359 s (557611 frames/s, 0.285 Gbit/s)"));
    assertFalse(matches("vnet0: device vdpa0 mac 02:bd:a5:48:6d:f4 mtu 1500", "vnet0: device vdpa0 mac 02:bd:a5:48:6d:f5 mtu 1500"));
    assertFalse(matches("a 1.5", "a 1.5 b"));
  }

  @Test
  public void blocksSplitIntoCommandsAndTheirOutputAndMarkedBlocksAreExcludedWithTheirReason() {
    List<Block> blocks = blocks(List.of("text", "```", "g! one   # why", "out 1", "", "g! two", "```",
        "<!-- readme-examples: not run: waits for events -->", "```", "g! vdpa:monitor", "```", "```sh", "not a shell example", "```"));
    assertEquals(2, blocks.size());
    assertEquals(List.of(new Example(3, "one", List.of("out 1")), new Example(6, "two", List.of())), blocks.get(0).examples());
    assertEquals("waits for events", blocks.get(1).skipReason());
  }

  private List<String> run(Block b) throws Exception {
    List<String> commands = b.examples().stream().map(Example::command).toList();
    Path dir = tmp.newFolder("block-" + b.line()).toPath();
    RuntimeProcess.Run r = new RuntimeProcess(dir).run(commands,
        List.of("-Dvdpa.script.echo=true", "-Dvdpa.script.keepgoing=true"));
    List<String> failures = new ArrayList<>();
    Map<Integer, String> errors = errors(r.err(), commands);
    if (errors == null || (r.status() != 0 && errors.isEmpty())) {
      failures.add("README line " + b.line() + ": the block failed:\n" + r.all());
      return failures;
    }
    List<List<String>> outputs = outputs(r.out(), commands);
    for (int i = 0; i < b.examples().size(); i++) {
      Example e = b.examples().get(i);
      List<String> shown = trimEnd(e.output());
      String error = errors.get(i);
      if (error != null) {
        if (shown.size() != 1 || !matches(shown.get(0), error)) {
          failures.add("README line " + e.line() + ": g! " + e.command() + " failed: " + error
              + (shown.isEmpty() ? "" : "\n  README shows:\n    " + String.join("\n    ", shown)));
        }
        continue;
      }
      List<String> actual = trimEnd(shown.stream().anyMatch(l -> PROGRESS.matcher(l).matches()) ? outputs.get(i)
          : outputs.get(i).stream().filter(l -> !PROGRESS.matcher(l).matches()).toList());
      if (shown.isEmpty()) {
        continue;
      }
      boolean same = shown.size() == actual.size();
      for (int k = 0; same && k < shown.size(); k++) {
        same = matches(shown.get(k), actual.get(k));
      }
      if (!same) {
        failures.add("README line " + e.line() + ": g! " + e.command() + "\n  README shows:\n    " + String.join("\n    ", shown)
            + "\n  the runtime printed:\n    " + String.join("\n    ", actual));
      }
    }
    return failures;
  }

  /**
   * The one-line errors of failed commands, by command index, from the script's standard error
   * ({@code FILE:LINE: COMMAND: MESSAGE}); null if standard error holds anything else.
   */
  private static Map<Integer, String> errors(List<String> err, List<String> commands) {
    Map<Integer, String> errors = new HashMap<>();
    Pattern line = Pattern.compile("^.*\\.gosh:(\\d+): (.*)$");
    for (String l : err) {
      Matcher m = line.matcher(l);
      if (!m.matches()) {
        return null;
      }
      int index = Integer.parseInt(m.group(1)) - 1;
      if (index < 0 || index >= commands.size() || !m.group(2).startsWith(commands.get(index) + ": ")) {
        return null;
      }
      errors.put(index, m.group(2).substring(commands.get(index).length() + 2));
    }
    return errors;
  }

  /** Splits an echoed transcript into each command's output. */
  private static List<List<String>> outputs(List<String> transcript, List<String> commands) {
    List<List<String>> out = new ArrayList<>();
    int next = 0;
    for (String l : transcript) {
      if (next < commands.size() && l.equals(PROMPT + commands.get(next))) {
        out.add(new ArrayList<>());
        next++;
      } else if (!out.isEmpty()) {
        out.get(out.size() - 1).add(l);
      }
    }
    assertEquals("every command was echoed: " + transcript, commands.size(), out.size());
    return out;
  }

  static List<Block> blocks(List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals("```")) {
        if (lines.get(i).startsWith("```")) {
          i = closing(lines, i); // a block in another language (sh, java, ...)
        }
        continue;
      }
      int end = closing(lines, i);
      List<String> body = lines.subList(i + 1, end);
      if (!body.isEmpty() && body.get(0).startsWith(PROMPT)) {
        blocks.add(new Block(i + 1, examples(body, i + 2), skipReason(lines, i)));
      }
      i = end;
    }
    return blocks;
  }

  private static int closing(List<String> lines, int open) {
    for (int j = open + 1; j < lines.size(); j++) {
      if (lines.get(j).startsWith("```")) {
        return j;
      }
    }
    throw new AssertionError("README line " + (open + 1) + ": the block never closes");
  }

  private static String skipReason(List<String> lines, int fence) {
    for (int j = fence - 1; j >= 0; j--) {
      if (!lines.get(j).isBlank()) {
        Matcher m = SKIP.matcher(lines.get(j));
        if (!m.find()) {
          return null;
        }
        assertFalse("README line " + (j + 1) + ": a block not run must say why", m.group(1).isBlank());
        return m.group(1);
      }
    }
    return null;
  }

  private static List<Example> examples(List<String> body, int firstLine) {
    List<Example> out = new ArrayList<>();
    for (int k = 0; k < body.size(); k++) {
      String l = body.get(k);
      if (l.startsWith(PROMPT)) {
        String cmd = l.substring(PROMPT.length()).replaceFirst("\\s+#.*$", "").strip();
        out.add(new Example(firstLine + k, cmd, new ArrayList<>()));
      } else if (!out.isEmpty()) {
        out.get(out.size() - 1).output().add(l);
      }
    }
    return out.stream().map(e -> new Example(e.line(), e.command(), trimEnd(e.output()))).toList();
  }

  private static List<String> trimEnd(List<String> lines) {
    int n = lines.size();
    while (n > 0 && lines.get(n - 1).isBlank()) {
      n--;
    }
    return List.copyOf(lines.subList(0, n));
  }

  /** The line rule: token by token, measurements match any measurement of the same form. */
  static boolean matches(String shown, String actual) {
    String[] s = shown.trim().split("\\s+");
    String[] a = actual.trim().split("\\s+");
    if (s.length != a.length) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (s[i].equals(a[i])) {
        continue;
      }
      boolean decimal = DECIMAL.matcher(s[i]).matches() && DECIMAL.matcher(a[i]).matches();
      boolean rate = i + 1 < s.length && s[i + 1].replace(",", "").endsWith("/s") && INTEGER.matcher(s[i]).matches()
          && INTEGER.matcher(a[i]).matches();
      if (!decimal && !rate) {
        return false;
      }
    }
    return true;
  }
}
