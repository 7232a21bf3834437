package net.vdpa.runtime;

/**
 * Felix's framework logger handing every entry to a {@link FrameworkLog} (Felix takes its logger
 * as an instance of its own class, framework property {@value FrameworkLog#PROPERTY}). Loaded only
 * when the framework is Felix: the Equinox runtime has no Felix classes.
 */
final class FelixLogger extends org.apache.felix.framework.Logger {
  private final FrameworkLog log;

  private FelixLogger(FrameworkLog log) {
    this.log = log;
  }

  /**
   * The logger object for Felix's framework properties.
   *
   * @param log where entries go
   * @return the logger (typed as an object, so that callers need no Felix class)
   */
  static Object of(FrameworkLog log) {
    FelixLogger l = new FelixLogger(log);
    l.setLogLevel(org.apache.felix.framework.Logger.LOG_ERROR);
    return l;
  }

  @Override
  protected void doLog(int level, String message, Throwable error) {
    log.log(level, message, error);
  }
}
