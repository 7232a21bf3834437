package net.vdpa.shell;

/**
 * The output flags every iproute2-style command declares to Gogo ({@code @Parameter}), so that
 * {@code help} lists them and Gogo reads them; one place for their spellings.
 */
final class Flags {
  static final String J = "-j";
  static final String JSON = "--json";
  static final String P = "-p";
  static final String PRETTY = "--pretty";
  static final String S = "-s";
  static final String STATS = "--stats";
  /** The value of a flag that is absent. */
  static final String OFF = "false";
  /** The value of a flag that is given. */
  static final String ON = "true";
  static final String JSON_HELP = "JSON output (-jp: JSON, pretty)";
  static final String PRETTY_HELP = "pretty JSON, with -j";
  static final String STATS_HELP = "counters";

  private Flags() {}
}
