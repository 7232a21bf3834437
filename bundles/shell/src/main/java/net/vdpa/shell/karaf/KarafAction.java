package net.vdpa.shell.karaf;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.support.CommandException;

/**
 * What every vDPA Karaf action shares: it calls the Gogo command that does the work, and a failure
 * becomes Karaf's {@link CommandException}, which Karaf prints as one line
 * ({@code Error executing command: mtu 40 is below 68}) and logs at debug only; any other
 * exception would reach {@code karaf.log} with its stack trace.
 */
abstract class KarafAction implements Action {
  @Override
  public final Object execute() throws Exception {
    try {
      return run();
    } catch (RuntimeException e) {
      String m = e.getMessage();
      throw new CommandException(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }
  }

  /** The command itself: one call into the Gogo command object. */
  abstract Object run() throws Exception;

  /** The Gogo session this action runs in (Karaf's shell is Gogo's), for commands that print as they go. */
  static CommandSession gogoSession() throws CommandException {
    Job job = Job.Utils.current();
    if (job == null || job.session() == null) {
      throw new CommandException("this command prints as it runs and needs a shell session");
    }
    return job.session();
  }
}
