package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line as the iproute2-style commands read it: the output flags and the words left in
 * order. Gogo takes {@code -j}/{@code --json} and {@code -p}/{@code --pretty} out of the line
 * itself (the commands declare them with {@code @Parameter}, so {@code help} lists them); what it
 * leaves is read here: {@code -jp} as iproute2 spells it, and the same flags where a caller passed
 * the line whole (the {@code vdpa}/{@code devlink}/{@code ip} words typed as in Linux, Karaf's
 * actions).
 *
 * @param style JSON and pretty-printing as asked
 * @param stats whether {@code -s} ({@code --stats}, {@code --statistics}) was given, for the
 *     commands that take it ({@link #withStats})
 * @param words the words that are not flags
 */
record Args(VdpaFormat.Style style, boolean stats, List<String> words) {
  static Args of(String... argv) {
    return parse(false, false, false, false, argv);
  }

  /**
   * The line of a command whose {@code -j} and {@code -p} Gogo has already read.
   *
   * @param json whether Gogo saw {@code -j}
   * @param pretty whether Gogo saw {@code -p}
   * @param argv the rest of the line
   * @return the flags of both and the words
   */
  static Args of(boolean json, boolean pretty, String... argv) {
    return parse(json, pretty, false, false, argv);
  }

  /** As {@link #of(boolean, boolean, String...)}, for a command that also takes {@code -s}. */
  static Args withStats(boolean json, boolean pretty, boolean stats, String... argv) {
    return parse(json, pretty, stats, true, argv);
  }

  private static Args parse(boolean json, boolean pretty, boolean stats, boolean takesStats, String... argv) {
    List<String> words = new ArrayList<>();
    for (String a : argv) {
      if (takesStats && (a.equals("-s") || a.equals("--stats") || a.equals("--statistics"))) {
        stats = true;
        continue;
      }
      switch (a) {
        case "-j", "--json" -> json = true;
        case "-p", "--pretty" -> pretty = true;
        case "-jp", "-pj" -> {
          json = true;
          pretty = true;
        }
        default -> words.add(a);
      }
    }
    return new Args(new VdpaFormat.Style(json, pretty), stats, words);
  }

  /** The i-th word, or null past the end. */
  String word(int i) {
    return i < words.size() ? words.get(i) : null;
  }

  /** The words from the i-th on (empty past the end). */
  List<String> from(int i) {
    return i < words.size() ? words.subList(i, words.size()) : List.of();
  }
}
