package net.vdpa.shell.karaf;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Option;

/**
 * An iproute2-style command ({@code vdpa dev}, {@code devlink port}, ...): iproute2's output flags
 * as Karaf options, then the words, handed to the Gogo command as it reads them.
 */
abstract class Iproute2Action extends KarafAction {
  @Option(name = "-j", aliases = "--json", description = "output JSON")
  boolean json;

  @Option(name = "-p", aliases = "--pretty", description = "indent the JSON (with -j)")
  boolean pretty;

  @Option(name = "-jp", aliases = "-pj", description = "indented JSON, as iproute2's -jp")
  boolean jsonPretty;

  /** The command line as the Gogo command takes it: the flags, then the words. */
  String[] argv(List<String> words) {
    List<String> argv = new ArrayList<>();
    if (json || jsonPretty) {
      argv.add("-j");
    }
    if (pretty || jsonPretty) {
      argv.add("-p");
    }
    if (words != null) {
      argv.addAll(words);
    }
    return argv.toArray(String[]::new);
  }
}
