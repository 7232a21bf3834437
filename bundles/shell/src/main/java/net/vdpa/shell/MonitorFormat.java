package net.vdpa.shell;

import net.vdpa.api.VdpaEvents;
import org.osgi.service.event.Event;

/** One line per bus event for {@code vdpa:monitor}: {@code [device] BOUND vdpa0 driver virtio_net}. */
final class MonitorFormat {
  private MonitorFormat() {}

  static String line(Event e) {
    String topic = e.getTopic();
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
    Object reason = e.getProperty(VdpaEvents.REASON);
    if (reason != null) {
      s.append(" reason \"").append(reason).append('"');
    }
    return s.toString();
  }

  private static void append(StringBuilder s, Event e, String key, String label) {
    Object v = e.getProperty(key);
    if (v != null) {
      String text = v instanceof Boolean b ? (b ? "on" : "off") : v.toString();
      s.append(' ').append(label).append(text.isEmpty() ? "none" : text);
    }
  }
}
