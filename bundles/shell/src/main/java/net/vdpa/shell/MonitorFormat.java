package net.vdpa.shell;

import java.util.function.Function;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.remote.RuntimeEvent;
import org.osgi.service.event.Event;

/**
 * One line per bus event for {@code vdpa:monitor}: {@code [device] BOUND vdpa0 driver virtio_net},
 * and for another runtime's event the same with its host: {@code ... host B}.
 */
final class MonitorFormat {
  private MonitorFormat() {}

  static String line(Event e) {
    return line(e.getTopic(), e::getProperty);
  }

  static String line(RuntimeEvent e, String host) {
    return line(e.topic(), e.properties()::get) + " host " + host;
  }

  private static String line(String topic, Function<String, Object> e) {
    String[] parts = topic.split("/");
    String kind = parts.length >= 2 ? parts[parts.length - 2] : "bus";
    String what = parts[parts.length - 1];
    StringBuilder s = new StringBuilder("[").append(kind).append("] ").append(what);
    append(s, e, VdpaEvents.DEVICE, "");
    append(s, e, VdpaEvents.DRIVER, "driver ");
    append(s, e, VdpaEvents.FROM, "from ");
    append(s, e, VdpaEvents.STAY, "stay ");
    append(s, e, VdpaEvents.OVERRIDE, "override ");
    append(s, e, VdpaEvents.AUTOPROBE, "autoprobe ");
    Object reason = e.apply(VdpaEvents.REASON);
    if (reason != null) {
      s.append(" reason \"").append(reason).append('"');
    }
    return s.toString();
  }

  private static void append(StringBuilder s, Function<String, Object> e, String key, String label) {
    Object v = e.apply(key);
    if (v != null) {
      String text = v instanceof Boolean b ? (b ? "on" : "off") : v.toString();
      s.append(' ').append(label).append(text.isEmpty() ? "none" : text);
    }
  }
}
