package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line as the iproute2-style commands read it: the output flags ({@code -j}, {@code -p},
 * {@code -jp}, anywhere on the line) and the words left in order.
 *
 * @param style JSON and pretty-printing as asked
 * @param words the words that are not output flags
 */
record Args(VdpaFormat.Style style, List<String> words) {
  static Args of(String... argv) {
    boolean json = false;
    boolean pretty = false;
    List<String> words = new ArrayList<>();
    for (String a : argv) {
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
    return new Args(new VdpaFormat.Style(json, pretty), words);
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
