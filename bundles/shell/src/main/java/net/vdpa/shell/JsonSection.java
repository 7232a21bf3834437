package net.vdpa.shell;

import java.io.PrintStream;
import java.util.function.Supplier;
import org.apache.felix.service.command.Process;

/**
 * A {@code show} command's failure under {@code -j}, as iproute2 has it. iproute2 never prints an
 * error as JSON: {@code vdpa} and {@code devlink} open the JSON section ({@code
 * pr_out_section_start}: {@code {"dev":{}}) before they ask the kernel and close it whatever the
 * kernel answers ({@code pr_out_section_end}), so standard output stays one JSON document, while
 * the error goes to standard error as text ({@code pr_err}, and {@code mnlu_gen_socket_sndrcv}'s
 * {@code kernel answers: ...} in lib/mnl_utils.c). An error found while reading the command line
 * comes before the section opens: text only. So a {@code show} body runs here: if it fails under
 * {@code -j}, the empty section goes to the command's standard output and the error is thrown on,
 * for the shell to print as its one error line. A missing bus is iproute2's failure to connect to
 * netlink, which comes before any JSON: text only.
 */
final class JsonSection {
  private JsonSection() {}

  /**
   * Runs a {@code show} body, printing the empty section to the current Gogo command's output if
   * it fails under {@code -j}.
   *
   * @param style the output style
   * @param section the key iproute2 wraps the listing in ({@code dev}, {@code mgmtdev}, ...)
   * @param body what the command shows
   * @return the body's output
   */
  static String show(VdpaFormat.Style style, String section, Supplier<String> body) {
    Process p = Process.Utils.current();
    return show(style, section, body, p == null ? null : p.out());
  }

  /** As {@link #show(VdpaFormat.Style, String, Supplier)}, printing to {@code out} (none if null). */
  static String show(VdpaFormat.Style style, String section, Supplier<String> body, PrintStream out) {
    try {
      return body.get();
    } catch (IllegalArgumentException e) {
      // what the kernel would refuse (no such device, queue out of range); a bus that is not there
      // (IllegalStateException) is iproute2's "Failed to connect", which comes before any JSON
      if (style.json() && out != null) {
        out.println(VdpaFormat.emptySection(section, style));
        out.flush();
      }
      throw e;
    }
  }
}
