package net.vdpa.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketDrop;
import net.vdpa.api.port.SocketStats;
import net.vdpa.api.port.WireKind;

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
    return ports(ports, Map.of(), style);
  }

  /**
   * Ports as {@link #ports(List, VdpaFormat.Style)} does, each socket wire followed by its peer and
   * counters: in text on an indented second line ({@code   socket peer 127.0.0.1:5556 tx_frames 2
   * ... drops runt 0 ...}), in JSON as the port's {@code socket} object.
   *
   * @param ports the ports
   * @param sockets the counters of the ports plugged into sockets, by port name
   * @param style text or JSON
   * @return the output
   */
  static String ports(List<PortState> ports, Map<String, SocketStats> sockets, VdpaFormat.Style style) {
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
        if (p.socket() != null && p.socket().local() != null) {
          o.put("local", SocketAddresses.text(p.socket().local()));
        }
        if (p.socket() != null && p.socket().remote() != null) {
          o.put("remote", SocketAddresses.text(p.socket().remote()));
        }
        o.put("link", p.linkUp() ? "up" : "down");
        o.put("present", p.present());
        o.put("connected", p.connected());
        SocketStats st = sockets.get(p.port());
        if (st != null) {
          o.put("socket", socket(st));
        }
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
      if (p.socket() != null) {
        addresses(s, p);
      }
      s.append(" link ").append(p.linkUp() ? "up" : "down");
      if (!p.present()) {
        s.append(" (device absent; kept for when it appears)");
      } else if (!p.connected()) {
        s.append(p.socket() != null ? " (no peer connected)" : p.peer() == null ? " (no carrier)" : " (waiting for " + p.peer() + ")");
      }
      SocketStats st = sockets.get(p.port());
      if (st != null) {
        s.append("\n  socket");
        socket(st).forEach((k, v) -> {
          if (v instanceof Map<?, ?> drops) {
            s.append(' ').append(k);
            drops.forEach((dk, dv) -> s.append(' ').append(dk).append(' ').append(dv));
          } else {
            s.append(' ').append(k).append(' ').append(v == null ? "none" : v);
          }
        });
      }
      out.add(s.toString());
    }
    return String.join("\n", out);
  }

  /**
   * Port counters in the kernel's names ({@code struct rtnl_link_stats64}, as {@code ip -s link}
   * shows them) as text, one line each ({@code left: rx_packets 202 rx_bytes 12120 ...}), or as
   * JSON ({@code {"port":{"left":{"rx_packets":202,...}}}}).
   *
   * @param counters by port name
   * @param style text or JSON
   * @return the output
   */
  static String counters(Map<String, PortCounters> counters, VdpaFormat.Style style) {
    Map<String, Object> all = new LinkedHashMap<>();
    List<String> out = new ArrayList<>();
    counters.forEach((port, c) -> {
      all.put(port, fields(c));
      out.add(port + ": " + line(c));
    });
    return style.json() ? Json.write(Map.of("port", all), style.pretty()) : String.join("\n", out);
  }

  /**
   * The counters in the kernel's names, in output order: the one set every port, function and
   * representor is shown with ({@code vdpa:port stats}, {@code devlink -s port show}).
   *
   * @param c the counters
   * @return {@code rx_packets}, {@code rx_bytes}, {@code rx_dropped}, {@code tx_packets},
   *     {@code tx_bytes}, {@code tx_dropped}
   */
  static Map<String, Object> fields(PortCounters c) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("rx_packets", c.rxFrames());
    o.put("rx_bytes", c.rxBytes());
    o.put("rx_dropped", c.rxDrops());
    o.put("tx_packets", c.txFrames());
    o.put("tx_bytes", c.txBytes());
    o.put("tx_dropped", c.txDrops());
    return o;
  }

  /**
   * The counters as one line of text: {@code rx_packets 202 rx_bytes 12120 ...}.
   *
   * @param c the counters
   * @return the line
   */
  static String line(PortCounters c) {
    StringBuilder s = new StringBuilder();
    fields(c).forEach((k, v) -> s.append(s.length() == 0 ? "" : " ").append(k).append(' ').append(v));
    return s.toString();
  }

  /** A socket wire's addresses as the command takes them: {@code local A remote B}, {@code listen A}, {@code connect B}. */
  private static void addresses(StringBuilder s, PortState p) {
    SocketAddresses a = p.socket();
    if (p.wire() == WireKind.UDP) {
      s.append(" local ").append(SocketAddresses.text(a.local())).append(" remote ").append(SocketAddresses.text(a.remote()));
    } else if (a.listens()) {
      s.append(" listen ").append(SocketAddresses.text(a.local()));
    } else {
      s.append(" connect ").append(SocketAddresses.text(a.remote()));
    }
  }

  /** A socket's peer and counters, in output order; drops by reason, every reason present. */
  private static Map<String, Object> socket(SocketStats st) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("peer", st.peer());
    o.put("tx_frames", st.txFrames());
    o.put("tx_bytes", st.txBytes());
    o.put("rx_frames", st.rxFrames());
    o.put("rx_bytes", st.rxBytes());
    o.put("connects", st.connects());
    o.put("disconnects", st.disconnects());
    Map<String, Object> drops = new LinkedHashMap<>();
    for (SocketDrop d : SocketDrop.values()) {
      drops.put(d.name().toLowerCase(Locale.ROOT), st.drops(d));
    }
    o.put("drops", drops);
    return o;
  }

  private static String wire(PortState p) {
    return p.wire().name().toLowerCase(Locale.ROOT);
  }
}
