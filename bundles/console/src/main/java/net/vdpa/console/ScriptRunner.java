package net.vdpa.console;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * Runs script commands one by one in a Gogo session, printing each result as the interactive
 * shell would, and stops at the first command that fails.
 */
final class ScriptRunner {
  private final CommandProcessor processor;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  private final boolean keepGoing;
  private final boolean echo;

  ScriptRunner(CommandProcessor processor, InputStream in, PrintStream out, PrintStream err, boolean keepGoing, boolean echo) {
    this.keepGoing = keepGoing;
    this.echo = echo;
    this.processor = processor;
    this.in = in;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the commands, stopping at the first failure unless told to keep going.
   *
   * @return 0 if every command succeeded, 1 otherwise
   */
  int run(String name, List<ScriptSource.Command> commands) {
    CommandSession session = processor.createSession(in, out, err);
    int rc = 0;
    try {
      for (ScriptSource.Command c : commands) {
        Object result;
        if (echo) {
          // as the interactive shell shows it, so that a transcript reads like the README
          out.println("g! " + c.text());
        }
        try {
          result = session.execute(c.text());
        } catch (Exception e) {
          err.println(name + ":" + c.line() + ": " + c.text() + ": " + message(e));
          err.flush();
          rc = 1;
          if (keepGoing) {
            continue;
          }
          return rc;
        }
        if (result != null) {
          CharSequence text = session.format(result, Converter.INSPECT);
          out.println(text);
        }
      }
      out.flush();
      return rc;
    } catch (Exception e) {
      err.println(name + ": " + message(e));
      return 1;
    } finally {
      session.close();
    }
  }

  static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
