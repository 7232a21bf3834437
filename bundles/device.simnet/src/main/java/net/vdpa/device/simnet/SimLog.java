package net.vdpa.device.simnet;

/**
 * Where the bundle's few log lines go: the OSGi Log Service when the component has one, nowhere in
 * unit tests. One line per event that matters (device created or deleted, ring error).
 */
interface SimLog {
  /** Logs nothing. */
  SimLog NONE = new SimLog() {
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
}
