package net.vdpa.api.remote;

import java.io.Serializable;
import java.util.Map;

/**
 * One bus event of a runtime, as another runtime reads it through {@link VdpaRuntime#events}: the
 * Event Admin topic the bus posted ({@code net/vdpa/device/BOUND}, see {@code VdpaEvents}) and
 * its properties. Rebuilt through this constructor when received, so a peer cannot hand over
 * anything but what the bus posts.
 *
 * @param seq the runtime's sequence number of the event (1 for its first, one more per event)
 * @param topic the topic, under {@code net/vdpa/}
 * @param properties the event's properties named in {@code VdpaEvents} (device, driver, from, stay,
 *     reason, override: strings; autoprobe: a boolean)
 * @since 1.2
 */
public record RuntimeEvent(long seq, String topic, Map<String, Object> properties) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Checks and copies.
   *
   * @throws IllegalArgumentException naming what is wrong: a sequence number below 1, a topic not
   *     under {@code net/vdpa/}, a property value neither a string nor a boolean
   */
  public RuntimeEvent {
    if (seq < 1) {
      throw new IllegalArgumentException("event sequence number " + seq + " is below 1");
    }
    if (topic == null || !topic.startsWith("net/vdpa/")) {
      throw new IllegalArgumentException("event topic '" + topic + "' is not under net/vdpa/");
    }
    for (Map.Entry<String, Object> e : properties.entrySet()) {
      if (!(e.getValue() instanceof String) && !(e.getValue() instanceof Boolean)) {
        throw new IllegalArgumentException("event property " + e.getKey() + " holds "
            + (e.getValue() == null ? "null" : e.getValue().getClass().getName()) + ", not a string or boolean");
      }
    }
    properties = Map.copyOf(properties);
  }
}
