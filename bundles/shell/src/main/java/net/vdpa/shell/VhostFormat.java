package net.vdpa.shell;

import java.util.List;
import net.vdpa.api.vhost.ConnectionStats;

/**
 * How {@code vhost:show} prints: one line per device, {@code NAME: socket PATH owner WHO|none}, then,
 * indented, what the device counted for the frontend connected now and for the last one that left.
 */
final class VhostFormat {
  private VhostFormat() {}

  /**
   * A device bound to the vhost driver.
   *
   * @param device its name
   * @param socket its vhost-user socket path
   * @param owner who holds it, or null
   * @param connections the connected frontend's totals, then the last ended one's
   */
  record Line(String device, String socket, String owner, List<ConnectionStats> connections) {}

  static String show(List<Line> lines) {
    if (lines.isEmpty()) {
      return "no device is bound to vhost_vdpa (bind one: vdpa:dev override DEV vhost_vdpa)";
    }
    StringBuilder s = new StringBuilder();
    for (Line l : lines) {
      s.append(s.length() == 0 ? "" : "\n").append(l.device()).append(": socket ").append(l.socket()).append(" owner ")
          .append(l.owner() == null ? "none" : l.owner());
      for (ConnectionStats c : l.connections()) {
        s.append("\n  ").append(c.connected() ? "this connection" : "last connection (" + c.frontend() + ", "
            + c.endReason() + ")").append(": ").append(c.describe());
      }
    }
    return s.toString();
  }
}
