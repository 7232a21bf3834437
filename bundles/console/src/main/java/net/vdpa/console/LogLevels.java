package net.vdpa.console;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;

/**
 * Sets the level of the project's loggers in the Log Service's root logger context (OSGi Log
 * 1.4). Loggers default to WARN there, so {@code logger.info(...)} from a component reaches no
 * {@code log info} until a level says otherwise; logger names are class names, so {@code net.vdpa}
 * covers every project logger and nothing else.
 */
final class LogLevels {
  /** The logger name that covers the project. */
  static final String PROJECT = "net.vdpa";

  /** The Log Service's framework property for the root context's default level (OSGi Log 1.4). */
  static final String DEFAULT_LEVEL = LoggerContext.LOGGER_CONTEXT_DEFAULT_LOGLEVEL;
  /** The root logger's name in a logger context's levels. */
  static final String ROOT = "ROOT";

  private LogLevels() {}

  private static LogLevel parse(String level) {
    return LogLevel.valueOf(level.trim().toUpperCase(Locale.ROOT));
  }

  /**
   * Sets {@code net.vdpa} to the level, unless the root context already names a level for it
   * (someone configured it: that stays). Does nothing without a level or a Log Service.
   */
  static void apply(BundleContext context, String level) {
    if (level == null || level.isBlank()) {
      return;
    }
    ServiceReference<LoggerAdmin> r = context.getServiceReference(LoggerAdmin.class);
    LoggerAdmin admin = r == null ? null : context.getService(r);
    if (admin == null) {
      return;
    }
    try {
      LoggerContext root = admin.getLoggerContext(null);
      Map<String, LogLevel> levels = new HashMap<>(root.getLogLevels());
      if (!levels.containsKey(PROJECT)) {
        levels.put(PROJECT, parse(level));
        // once the context names levels, name the root's too, or Felix Log lets everything through
        String rootDefault = context.getProperty(DEFAULT_LEVEL);
        levels.putIfAbsent(ROOT, rootDefault == null ? LogLevel.WARN : parse(rootDefault));
        root.setLogLevels(levels);
      }
    } catch (IllegalArgumentException e) {
      // an unknown level name: the project's loggers keep the default
    } finally {
      context.ungetService(r);
    }
  }
}
