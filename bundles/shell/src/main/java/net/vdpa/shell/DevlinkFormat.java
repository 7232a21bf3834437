package net.vdpa.shell;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.vdpa.api.devlink.DevlinkDev;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.PortFlavour;
import net.vdpa.api.port.PortCounters;

/**
 * devlink's output, as iproute2's {@code devlink} prints it: text, or JSON with {@code -j} (one
 * object keyed {@code dev} or {@code port}, then by name) and {@code -p} to indent it.
 */
final class DevlinkFormat {
  private DevlinkFormat() {}

  /** {@code devlink dev show}: one name a line. */
  static String devs(List<DevlinkDev> devs, VdpaFormat.Style style) {
    if (style.json()) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (DevlinkDev d : devs) {
        all.put(d.name(), Map.of());
      }
      return Json.write(Map.of("dev", all), style.pretty());
    }
    StringBuilder s = new StringBuilder();
    for (DevlinkDev d : devs) {
      line(s, d.name());
    }
    return s.toString();
  }

  /** {@code devlink dev eswitch show DEV}. */
  static String eswitch(DevlinkDev d, VdpaFormat.Style style) {
    if (style.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("mode", d.mode().word());
      o.put("inline-mode", "none");
      o.put("encap-mode", "basic");
      return Json.write(Map.of("dev", Map.of(d.name(), o)), style.pretty());
    }
    return d.name() + ": mode " + d.mode().word() + " inline-mode none encap-mode basic";
  }

  /** {@code devlink dev param show DEV name sriov_numvfs}. */
  static String numVfs(DevlinkDev d, VdpaFormat.Style style) {
    if (style.json()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", "sriov_numvfs");
      p.put("type", "driver-specific");
      p.put("values", List.of(Map.of("cmode", "runtime", "value", d.numVfs())));
      return Json.write(Map.of("param", Map.of(d.name(), List.of(p))), style.pretty());
    }
    return d.name() + ":\n  name sriov_numvfs type driver-specific\n    values:\n      cmode runtime value " + d.numVfs();
  }

  /** {@code devlink port show [PORT]}. */
  static String ports(List<DevlinkPort> ports, VdpaFormat.Style style) {
    return ports(ports, Map.of(), style);
  }

  /**
   * A port's counters for {@code devlink -s port show}: its own (a physical port's uplink wire, a
   * VF's or SF's function) and, in switchdev mode, its representor's (the port's netdev).
   *
   * @param own the port's own counters
   * @param representor the representor's, or null without one
   */
  record Stats(PortCounters own, PortCounters representor) {}

  /**
   * {@code devlink -s port show [PORT]}: each port as {@link #ports(List, VdpaFormat.Style)} shows
   * it, then its counters ({@link PortFormat#fields}, the kernel's names): in text a {@code stats:}
   * block with one line for the port's own counters ({@code uplink} for a physical port,
   * {@code function} for a VF or SF) and one for its representor's in switchdev mode; in JSON a
   * {@code stats} object with the same keys.
   *
   * @param ports the ports
   * @param stats their counters, by port name (a port without an entry shows none)
   * @param style text or JSON
   * @return the output
   */
  static String ports(List<DevlinkPort> ports, Map<String, Stats> stats, VdpaFormat.Style style) {
    if (style.json()) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (DevlinkPort p : ports) {
        Map<String, Object> o = json(p);
        Stats st = stats.get(p.name());
        if (st != null) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put(ownKey(p), PortFormat.fields(st.own()));
          if (st.representor() != null) {
            m.put("representor", PortFormat.fields(st.representor()));
          }
          o.put("stats", m);
        }
        all.put(p.name(), o);
      }
      return Json.write(Map.of("port", all), style.pretty());
    }
    StringBuilder s = new StringBuilder();
    for (DevlinkPort p : ports) {
      line(s, text(p));
      Stats st = stats.get(p.name());
      if (st != null) {
        s.append("\n  stats:\n    ").append(ownKey(p)).append(' ').append(PortFormat.line(st.own()));
        if (st.representor() != null) {
          s.append("\n    representor ").append(PortFormat.line(st.representor()));
        }
      }
    }
    return s.toString();
  }

  private static String ownKey(DevlinkPort p) {
    return p.flavour() == PortFlavour.PHYSICAL ? "uplink" : "function";
  }

  private static void line(StringBuilder s, String l) {
    if (s.length() > 0) {
      s.append('\n');
    }
    s.append(l);
  }

  private static String text(DevlinkPort p) {
    StringBuilder s = new StringBuilder(p.name()).append(": type eth");
    if (p.netdev() != null) {
      s.append(" netdev ").append(p.netdev());
    }
    s.append(" flavour ").append(p.flavour().word());
    switch (p.flavour()) {
      case PHYSICAL -> s.append(" port ").append(p.number());
      case PCIPF -> s.append(" controller 0 pfnum ").append(p.pfnum()).append(" external false");
      case PCIVF -> s.append(" controller 0 pfnum ").append(p.pfnum()).append(" vfnum ").append(p.number())
          .append(" external false");
      case PCISF -> s.append(" controller 0 pfnum ").append(p.pfnum()).append(" sfnum ").append(p.number());
    }
    s.append(" splittable false");
    if (p.hwAddr() != null) {
      s.append("\n  function:\n    hw_addr ").append(p.hwAddr());
      if (p.flavour() == PortFlavour.PCISF) {
        s.append(" state ").append(p.state().word()).append(" opstate ").append(p.attached() ? "attached" : "detached");
      }
    }
    return s.toString();
  }

  private static Map<String, Object> json(DevlinkPort p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", "eth");
    if (p.netdev() != null) {
      o.put("netdev", p.netdev());
    }
    o.put("flavour", p.flavour().word());
    switch (p.flavour()) {
      case PHYSICAL -> o.put("port", p.number());
      case PCIPF -> {
        o.put("controller", 0);
        o.put("pfnum", p.pfnum());
        o.put("external", false);
      }
      case PCIVF -> {
        o.put("controller", 0);
        o.put("pfnum", p.pfnum());
        o.put("vfnum", p.number());
        o.put("external", false);
      }
      case PCISF -> {
        o.put("controller", 0);
        o.put("pfnum", p.pfnum());
        o.put("sfnum", p.number());
      }
    }
    o.put("splittable", false);
    if (p.hwAddr() != null) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("hw_addr", p.hwAddr().toString());
      if (p.flavour() == PortFlavour.PCISF) {
        f.put("state", p.state().word());
        f.put("opstate", p.attached() ? "attached" : "detached");
      }
      o.put("function", f);
    }
    return o;
  }
}
