package net.vdpa.shell;

import java.util.List;

/** How {@code vhost:show} prints: one line per device, {@code NAME: socket PATH owner WHO|none}. */
final class VhostFormat {
  private VhostFormat() {}

  /**
   * A device bound to the vhost driver.
   *
   * @param device its name
   * @param socket its vhost-user socket path
   * @param owner who holds it, or null
   */
  record Line(String device, String socket, String owner) {}

  static String show(List<Line> lines) {
    if (lines.isEmpty()) {
      return "no device is bound to vhost_vdpa (bind one: vdpa:dev override DEV vhost_vdpa)";
    }
    StringBuilder s = new StringBuilder();
    for (Line l : lines) {
      s.append(s.length() == 0 ? "" : "\n").append(l.device()).append(": socket ").append(l.socket()).append(" owner ")
          .append(l.owner() == null ? "none" : l.owner());
    }
    return s.toString();
  }
}
