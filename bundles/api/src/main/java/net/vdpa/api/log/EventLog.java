package net.vdpa.api.log;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.service.log.Logger;

/**
 * Where a bundle's few log lines go: one line per event that matters (a device created or bound, a
 * probe that failed and why, a frontend connected or revoked). Components hold the Log Service's
 * logger through a dynamic optional reference and log through {@link #of(Supplier)}, so a line
 * written while the Log Service is away is dropped instead of failing; unit tests pass their own
 * implementation to see the lines.
 */
@ConsumerType
public interface EventLog {
  /** Logs nothing. */
  EventLog NONE = new EventLog() {
    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}
  };

  /**
   * An event worth a line: shown at {@code log info}.
   *
   * @param message the line
   */
  void info(String message);

  /**
   * Detail for whoever turns on {@code log debug}: each matching, each probe step.
   *
   * @param message the line
   */
  default void debug(String message) {}

  /**
   * Something went wrong that the runtime survives: a probe failed, a frontend was revoked.
   *
   * @param message the line, naming what and why
   */
  void warn(String message);

  /**
   * Something cannot work as configured (an unsafe socket directory); warns unless overridden.
   *
   * @param message the line, saying what is wrong and how to fix it
   */
  default void error(String message) {
    warn(message);
  }

  /**
   * Lines to the logger a component holds at the time of each line.
   *
   * @param logger gives the logger now, or null while the Log Service is away
   * @return the log
   */
  static EventLog of(Supplier<Logger> logger) {
    return new EventLog() {
      @Override
      public void info(String message) {
        emit(logger, l -> l.info(message));
      }

      @Override
      public void debug(String message) {
        emit(logger, l -> l.debug(message));
      }

      @Override
      public void warn(String message) {
        emit(logger, l -> l.warn(message));
      }

      @Override
      public void error(String message) {
        emit(logger, l -> l.error(message));
      }
    };
  }

  private static void emit(Supplier<Logger> logger, Consumer<Logger> line) {
    Logger l = logger.get();
    if (l != null) {
      line.accept(l);
    }
  }
}
