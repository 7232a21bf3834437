package net.vdpa.runtime;

import java.io.PrintStream;
import java.lang.reflect.Method;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Where Felix writes what the framework itself reports, such as a bundle listener that threw: the
 * OSGi Log Service while the framework runs, with every bundle's entries (so the console keeps
 * showing command results only, and {@code log} shows the framework's errors with the rest), and
 * standard error while there is none (before the framework has started, after it stopped). Felix
 * calls it through a {@link FelixLogger} the launcher hands over as the framework property {@value
 * #PROPERTY}. Equinox keeps its own framework log.
 *
 * <p>Thread-safe: the framework logs from any thread.
 */
public final class FrameworkLog {
  /** The Felix framework property that takes the logger object. */
  static final String PROPERTY = "felix.log.logger";
  private static final String LOG_SERVICE = "org.osgi.service.log.LogService";
  private static final int DEBUG = 4;

  private final PrintStream fallback;
  private volatile BundleContext context;

  /**
   * A log that writes to {@code fallback} until {@link #attach}.
   *
   * @param fallback where entries go while there is no Log Service
   */
  FrameworkLog(PrintStream fallback) {
    this.fallback = fallback;
  }

  /** From now on, entries go to the Log Service this running framework has. */
  void attach(BundleContext systemContext) {
    this.context = systemContext;
  }

  /** The framework stopped: entries go to the fallback again. */
  void detach() {
    this.context = null;
  }

  /**
   * One entry from the framework (Felix's levels are the Log Service's: 1 error, 2 warning, 3
   * info, 4 debug).
   *
   * @param level the level
   * @param message the message
   * @param error the exception, or {@code null}
   */
  public void log(int level, String message, Throwable error) {
    if (isFelixLogRace(error)) {
      toLogService(DEBUG, message, error); // never on the console
      return;
    }
    if (!toLogService(level, message, error)) {
      fallback.println(label(level) + ": " + message + (error == null ? "" : " (" + error + ")"));
    }
  }

  /**
   * Whether {@code error} is Felix Log 1.3.0's known fault (FELIX-6845, fixed in its sources after
   * 1.3.0, not released as of Maven Central on 2026-12-07): its service listener asks an event's
   * reference for its bundle, which is null once another thread has unregistered the service
   * meanwhile, and throws. Only that event goes unrecorded in the log; the framework reports the
   * throw, and such a report goes to the Log Service at debug level (which Felix Log keeps only with
   * {@code org.apache.felix.log.storeDebug}), never to the console, as the fixed Felix Log skips the
   * event silently. A NullPointerException without its stack trace is not recognised and is
   * printed as any other.
   *
   * @param error what the framework reported, or {@code null}
   * @return true if it was thrown by Felix Log's service listener itself
   */
  static boolean isFelixLogRace(Throwable error) {
    if (!(error instanceof NullPointerException)) {
      return false;
    }
    StackTraceElement[] trace = error.getStackTrace();
    return trace.length > 0 && trace[0].getClassName().equals("org.apache.felix.log.Log")
        && trace[0].getMethodName().equals("serviceChanged");
  }

  private boolean toLogService(int level, String message, Throwable error) {
    BundleContext c = context;
    if (c == null) {
      return false;
    }
    try {
      ServiceReference<?> ref = c.getServiceReference(LOG_SERVICE);
      Object service = ref == null ? null : c.getService(ref);
      if (service == null) {
        return false;
      }
      try {
        Method m = logMethod(service.getClass());
        if (m == null) {
          return false;
        }
        m.invoke(service, level, message, error);
        return true;
      } finally {
        c.ungetService(ref);
      }
    } catch (ReflectiveOperationException | IllegalStateException | SecurityException stoppingOrForeign) {
      return false; // the framework is stopping, or the service is not what it says: standard error
    }
  }

  /** {@code LogService.log(int, String, Throwable)}, from the interface (the implementation class may not be public). */
  private static Method logMethod(Class<?> type) throws NoSuchMethodException {
    for (Class<?> t = type; t != null; t = t.getSuperclass()) {
      for (Class<?> i : t.getInterfaces()) {
        if (i.getName().equals(LOG_SERVICE)) {
          return i.getMethod("log", int.class, String.class, Throwable.class);
        }
      }
    }
    return null;
  }

  private static String label(int level) {
    return switch (level) {
      case 1 -> "ERROR";
      case 2 -> "WARNING";
      case 3 -> "INFO";
      default -> "DEBUG";
    };
  }
}
