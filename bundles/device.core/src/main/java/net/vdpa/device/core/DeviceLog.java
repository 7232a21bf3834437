package net.vdpa.device.core;

import java.util.function.Supplier;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.service.log.Logger;

/**
 * Where a device bundle's few log lines go: the OSGi Log Service when its component has one,
 * nowhere in unit tests. One line per event that matters (device created or deleted, ring error).
 */
@ConsumerType
public interface DeviceLog {
  /** Logs nothing. */
  DeviceLog NONE = new DeviceLog() {
    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}
  };

  /**
   * An event worth a line.
   *
   * @param message the line
   */
  void info(String message);

  /**
   * Something went wrong.
   *
   * @param message the line
   */
  void warn(String message);

  /**
   * Lines to the OSGi Log Service's logger the component holds at the time (a dynamic optional
   * reference: none while the Log Service is away).
   *
   * @param logger gives the logger now, or null
   * @return the log
   */
  static DeviceLog of(Supplier<Logger> logger) {
    return new DeviceLog() {
      @Override
      public void info(String message) {
        Logger l = logger.get();
        if (l != null) {
          l.info(message);
        }
      }

      @Override
      public void warn(String message) {
        Logger l = logger.get();
        if (l != null) {
          l.warn(message);
        }
      }
    };
  }
}
