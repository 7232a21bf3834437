package net.vdpa.bus;

import java.util.HashMap;
import java.util.Map;

/** Where the bus core reports: events for Event Admin and lines for the log. */
interface BusSink {
  /** Posts an event (asynchronously where possible). */
  void post(String topic, Map<String, Object> properties);

  /** A line worth keeping: a device bound or unbound, a driver came or went. */
  void info(String message);

  /** A detail a line at info level already sums up (the unbind half of a move). */
  default void debug(String message) {}

  /** Something went wrong that a user should know about: a probe failed, a driver call threw. */
  void warn(String message);

  /** Event properties from key, value pairs. */
  static Map<String, Object> props(Object... kv) {
    Map<String, Object> m = new HashMap<>(kv.length);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** A sink that drops everything. */
  BusSink NONE = new BusSink() {
    @Override
    public void post(String topic, Map<String, Object> properties) {}

    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}
  };
}
