package net.vdpa.console;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Non-interactive runs of the runtime: with the system property {@code vdpa.script} naming a file
 * of Gogo commands ({@code -} for standard input), waits until the runtime is ready
 * ({@link Readiness}: the vdpa health check reports nothing still coming up), runs
 * the commands, stops the framework and exits the JVM with 0 if all succeeded, 1 otherwise.
 * Without the property it runs no script and the interactive shell is yours.
 *
 * <p>In script mode the runtime's launcher does not start the interactive shell bundle (Gogo's
 * jline shell opens a terminal on standard input whatever its arguments say): no banner, no
 * prompt, no second reader of standard input. The commands of Gogo's runtime and command bundles
 * and the project's are all there; the jline shell's helpers ({@code echo}, {@code grep},
 * {@code new}) are not.
 *
 * <p>In every mode it sets the level of the project's loggers ({@code net.vdpa}) from the
 * framework property {@code vdpa.log.level} (the runtime jar says {@code INFO}): OSGi Log 1.4
 * loggers log at WARN unless told otherwise, so without it {@code log info} would show none of the
 * project's events (only the bundle and service events the Log Service records by itself). Other
 * loggers keep the default; nothing is printed on the console.
 */
public final class ConsoleActivator implements BundleActivator {
  /** System property naming the script to run. */
  public static final String SCRIPT = "vdpa.script";
  /** System property: {@code true} runs every command even after one fails (the status is still 1). */
  public static final String KEEP_GOING = "vdpa.script.keepgoing";
  /** System property: {@code true} prints each command ({@code g! COMMAND}) before its output. */
  public static final String ECHO = "vdpa.script.echo";

  /** How long a script waits for the runtime to be ready. */
  private static final long READY_SECONDS = 60;

  /** Framework property: the level of the project's loggers ({@code net.vdpa}). */
  public static final String LOG_LEVEL = "vdpa.log.level";

  private Thread runner;

  @Override
  public void start(BundleContext context) {
    LogLevels.apply(context, context.getProperty(LOG_LEVEL));
    String script = context.getProperty(SCRIPT);
    if (script == null || script.isBlank()) {
      return;
    }
    context.registerService(Converter.class, new BundleConverter(context), null);
    runner = new Thread(() -> runWhenStarted(context, script), "vdpa-script");
    runner.start();
  }

  @Override
  public void stop(BundleContext context) throws InterruptedException {
    Thread t = runner;
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
    }
  }

  private void runWhenStarted(BundleContext context, String script) {
    // Gogo replaces System.out/err/in with per-thread multiplexers; a session must get the real
    // process streams or its output would loop back into itself.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    InputStream in = new FileInputStream(FileDescriptor.in);
    int rc;
    try {
      Optional<String> notReady = ReadyWait.await(context, READY_SECONDS, TimeUnit.SECONDS);
      if (notReady.isPresent()) {
        err.println(script + ": the runtime was not ready within " + READY_SECONDS + " s: " + notReady.get());
        exit(context, 1);
        return;
      }
      List<ScriptSource.Command> commands = ScriptSource.read(script, in);
      ServiceTracker<CommandProcessor, CommandProcessor> t = new ServiceTracker<>(context, CommandProcessor.class, null);
      t.open();
      try {
        CommandProcessor processor = t.waitForService(30_000);
        if (processor == null) {
          err.println(script + ": no Gogo command processor came up within 30 s");
          rc = 1;
        } else {
          rc = new ScriptRunner(processor, in, out, err, Boolean.parseBoolean(context.getProperty(KEEP_GOING)),
              Boolean.parseBoolean(context.getProperty(ECHO))).run(script, commands);
        }
      } finally {
        t.close();
      }
    } catch (InterruptedException e) {
      return;
    } catch (Exception e) {
      if (stopping(context)) {
        return; // the framework is going away under the script (Ctrl-C, SIGTERM): nothing to report
      }
      err.println(script + ": " + ScriptRunner.message(e));
      rc = 1;
    }
    exit(context, rc);
  }

  /** Whether this bundle's context is no longer usable (the bundle or the framework stops). */
  private static boolean stopping(BundleContext context) {
    try {
      return context.getBundle().getState() != Bundle.ACTIVE;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  /** Stops the framework cleanly, then leaves the JVM with the script's status. */
  private static void exit(BundleContext context, int rc) {
    Bundle system;
    try {
      system = context.getBundle(0);
    } catch (IllegalStateException e) {
      return; // already stopping
    }
    // The launcher exits with its own "stopped" code when the framework stops; this hook runs
    // inside that exit and replaces the code with the script's.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(rc), "vdpa-exit-status"));
    Thread stopper = new Thread(() -> {
      try {
        system.stop();
        system.adapt(org.osgi.framework.launch.Framework.class).waitForStop(30_000);
      } catch (Exception e) {
        // exiting anyway
      }
      Runtime.getRuntime().halt(rc);
    }, "vdpa-exit");
    stopper.start();
  }
}
