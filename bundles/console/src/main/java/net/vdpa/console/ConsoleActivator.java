package net.vdpa.console;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.ServiceListener;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Non-interactive runs of the runtime: with the system property {@code vdpa.script} naming a file
 * of Gogo commands ({@code -} for standard input), waits until every bundle has started, runs the
 * commands, stops the framework and exits the JVM with 0 if all succeeded, 1 otherwise. Without
 * the property it does nothing and the interactive shell is yours.
 *
 * <p>It starts before the shell bundle and, in script mode, tells it not to open a console.
 */
public final class ConsoleActivator implements BundleActivator {
  /** System property naming the script to run. */
  public static final String SCRIPT = "vdpa.script";
  /** System property: {@code true} runs every command even after one fails (the status is still 1). */
  public static final String KEEP_GOING = "vdpa.script.keepgoing";

  /** How long the service registry must be quiet before a script starts. */
  private static final long QUIET_NANOS = 300_000_000L;

  private Thread runner;

  @Override
  public void start(BundleContext context) {
    String script = context.getProperty(SCRIPT);
    if (script == null || script.isBlank()) {
      return;
    }
    // the Gogo shell bundle starts after us and reads this when it opens its console
    System.setProperty("gosh.args", "--nointeractive --noshutdown");
    // and jline need not look for a terminal that is not there
    System.setProperty("org.jline.terminal.dumb", "true");
    // The shell still sources its login profile, which fails without a terminal; give it an empty one.
    try {
      java.nio.file.Path home = java.nio.file.Files.createTempDirectory("vdpa-gosh");
      java.nio.file.Files.createDirectories(home.resolve("etc"));
      java.nio.file.Files.writeString(home.resolve("etc/gosh_profile"), "# no profile in script mode\n");
      System.setProperty("gosh.home", home.toString());
      home.toFile().deleteOnExit();
    } catch (java.io.IOException e) {
      // the profile's complaint is cosmetic
    }
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
      awaitStarted(context);
      List<ScriptSource.Command> commands = ScriptSource.read(script, in);
      ServiceTracker<CommandProcessor, CommandProcessor> t = new ServiceTracker<>(context, CommandProcessor.class, null);
      t.open();
      try {
        CommandProcessor processor = t.waitForService(30_000);
        if (processor == null) {
          err.println(script + ": no Gogo command processor came up within 30 s");
          rc = 1;
        } else {
          rc = new ScriptRunner(processor, in, out, err, Boolean.parseBoolean(context.getProperty(KEEP_GOING))).run(script, commands);
        }
      } finally {
        t.close();
      }
    } catch (InterruptedException e) {
      return;
    } catch (Exception e) {
      err.println(script + ": " + ScriptRunner.message(e));
      rc = 1;
    }
    exit(context, rc);
  }

  /**
   * Waits until every bundle that is not a fragment is active (the launcher has started them all),
   * then until the service registry has been quiet for a moment: components activate, kept devices
   * are created and drivers bind asynchronously after their bundles start.
   */
  private static void awaitStarted(BundleContext context) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!allActive(context) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    AtomicLong last = new AtomicLong(System.nanoTime());
    ServiceListener l = e -> last.set(System.nanoTime());
    context.addServiceListener(l);
    try {
      long settle = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() - last.get() < QUIET_NANOS && System.nanoTime() < settle) {
        Thread.sleep(25);
      }
    } finally {
      context.removeServiceListener(l);
    }
  }

  private static boolean allActive(BundleContext context) {
    for (Bundle b : context.getBundles()) {
      boolean fragment = b.getHeaders("").get(org.osgi.framework.Constants.FRAGMENT_HOST) != null;
      if (!fragment && b.getState() != Bundle.ACTIVE) {
        return false;
      }
    }
    return true;
  }

  /** Stops the framework cleanly, then leaves the JVM with the script's status. */
  private static void exit(BundleContext context, int rc) {
    Bundle system = context.getBundle(0);
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
