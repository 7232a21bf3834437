package net.vdpa.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortState;

/** The output of {@code vdpa:port}. Pure functions. */
final class PortFormat {
  private PortFormat() {}

  /**
   * Ports as text, one line each ({@code left: wire cable peer right link up}), or as JSON
   * ({@code {"port":{"left":{...}}}}).
   *
   * @param ports the ports
   * @param style text or JSON
   * @return the output
   */
  static String ports(List<PortState> ports, VdpaFormat.Style style) {
    if (style.json()) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (PortState p : ports) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("wire", wire(p));
        if (p.peer() != null) {
          o.put("peer", p.peer());
        }
        if (p.file() != null) {
          o.put("file", p.file().toString());
        }
        o.put("link", p.linkUp() ? "up" : "down");
        o.put("present", p.present());
        o.put("connected", p.connected());
        all.put(p.port(), o);
      }
      return Json.write(Map.of("port", all), style.pretty());
    }
    List<String> out = new ArrayList<>();
    for (PortState p : ports) {
      StringBuilder s = new StringBuilder(p.port()).append(": wire ").append(wire(p));
      if (p.peer() != null) {
        s.append(" peer ").append(p.peer());
      }
      if (p.file() != null) {
        s.append(" file ").append(p.file());
      }
      s.append(" link ").append(p.linkUp() ? "up" : "down");
      if (!p.present()) {
        s.append(" (device absent; kept for when it appears)");
      } else if (!p.connected()) {
        s.append(" (waiting for ").append(p.peer()).append(')');
      }
      out.add(s.toString());
    }
    return String.join("\n", out);
  }

  /**
   * Port counters as text, one line each ({@code left: rx_frames 202 rx_bytes 12120 ...}), or as
   * JSON ({@code {"port":{"left":{"rx_frames":202,...}}}}).
   *
   * @param counters by port name
   * @param style text or JSON
   * @return the output
   */
  static String counters(Map<String, PortCounters> counters, VdpaFormat.Style style) {
    Map<String, Object> all = new LinkedHashMap<>();
    List<String> out = new ArrayList<>();
    counters.forEach((port, c) -> {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("rx_frames", c.rxFrames());
      o.put("rx_bytes", c.rxBytes());
      o.put("rx_drops", c.rxDrops());
      o.put("tx_frames", c.txFrames());
      o.put("tx_bytes", c.txBytes());
      o.put("tx_drops", c.txDrops());
      all.put(port, o);
      StringBuilder s = new StringBuilder(port).append(':');
      o.forEach((k, v) -> s.append(' ').append(k).append(' ').append(v));
      out.add(s.toString());
    });
    return style.json() ? Json.write(Map.of("port", all), style.pretty()) : String.join("\n", out);
  }

  private static String wire(PortState p) {
    return p.wire().name().toLowerCase(Locale.ROOT);
  }
}
