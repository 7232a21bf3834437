package net.vdpa.shell;

import java.util.List;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.vhost.SocketMode;

/**
 * How {@code vhost:show} prints: one line per device, {@code NAME: socket PATH owner WHO|none}; a
 * device whose backend is the socket's client (the frontend listens) says so after the path, with
 * whether it is connected or waiting for the frontend: {@code socket PATH (client, waiting)}. Then,
 * indented, what the device counted for the frontend connected now and for the last one that left.
 */
final class VhostFormat {
  private VhostFormat() {}

  /**
   * A device bound to the vhost driver.
   *
   * @param device its name
   * @param socket its vhost-user socket path
   * @param mode whether the backend listens on the socket or connects to it
   * @param connected whether a frontend is connected now
   * @param owner who holds it, or null
   * @param connections the connected frontend's totals, then the last ended one's
   */
  record Line(String device, String socket, SocketMode mode, boolean connected, String owner,
      List<ConnectionStats> connections) {}

  static String show(List<Line> lines) {
    if (lines.isEmpty()) {
      return "no device is bound to vhost_vdpa (bind one: vdpa:dev override DEV vhost_vdpa)";
    }
    StringBuilder s = new StringBuilder();
    for (Line l : lines) {
      s.append(s.length() == 0 ? "" : "\n").append(l.device()).append(": socket ").append(l.socket());
      if (l.mode() == SocketMode.CLIENT) {
        s.append(" (client, ").append(l.connected() ? "connected" : "waiting").append(')');
      }
      s.append(" owner ").append(l.owner() == null ? "none" : l.owner());
      for (ConnectionStats c : l.connections()) {
        s.append("\n  ").append(c.connected() ? "this connection" : "last connection (" + c.frontend() + ", "
            + c.endReason() + ")").append(": ").append(c.describe());
      }
    }
    return s.toString();
  }
}
