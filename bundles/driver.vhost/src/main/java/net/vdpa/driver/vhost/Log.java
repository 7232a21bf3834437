package net.vdpa.driver.vhost;

/** Where the driver's log lines go (the OSGi Log Service when present). One line per event. */
interface Log {
  /**
   * An event that matters: a frontend connected or left, a device bound.
   *
   * @param message the line
   */
  void info(String message);

  /**
   * Something went wrong: a protocol error and why, a revoked frontend.
   *
   * @param message the line
   */
  void warn(String message);

  /**
   * The driver cannot work as configured: an unsafe socket directory.
   *
   * @param message the line, saying what is wrong and how to fix it
   */
  default void error(String message) {
    warn(message);
  }
}
