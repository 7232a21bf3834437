package net.vdpa.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.vdpa.api.devlink.VfConfig;
import net.vdpa.api.port.PortCounters;

/**
 * {@code ip link show PF}'s lines for a SmartNIC PF and its VFs, as iproute2 prints them (the VF
 * lines after the PF's), or {@code ip -j} JSON ({@code vfinfo_list}).
 */
final class IpFormat {
  private IpFormat() {}

  /**
   * One PF and its VFs, with each VF's counters for {@code -s} (else null).
   *
   * @param netdev the PF's interface
   * @param carrier whether it has carrier (its uplink is up and plugged in): {@code LOWER_UP} and
   *     state {@code UP}, else {@code NO-CARRIER} and state {@code DOWN}
   * @param vfs its VFs
   * @param stats each VF's counters, or null
   */
  record Pf(String netdev, boolean carrier, List<VfConfig> vfs, List<PortCounters> stats) {
    List<String> flags() {
      return carrier ? List.of("BROADCAST", "MULTICAST", "UP", "LOWER_UP")
          : List.of("NO-CARRIER", "BROADCAST", "MULTICAST", "UP");
    }

    String operstate() {
      return carrier ? "UP" : "DOWN";
    }
  }

  static String links(List<Pf> pfs, VdpaFormat.Style style) {
    if (style.json()) {
      List<Object> all = new ArrayList<>();
      for (Pf pf : pfs) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ifname", pf.netdev());
        o.put("flags", pf.flags());
        o.put("mtu", 1500);
        o.put("operstate", pf.operstate());
        List<Object> vfs = new ArrayList<>();
        for (VfConfig v : pf.vfs()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("vf", v.vf());
          m.put("address", v.mac().toString());
          if (v.vlan() != 0) {
            m.put("vlan_list", List.of(Map.of("vlan", v.vlan())));
          }
          m.put("spoofchk", v.spoofCheck());
          m.put("link_state", "auto");
          m.put("trust", v.trust());
          if (pf.stats() != null) {
            PortCounters c = pf.stats().get(vfs.size());
            Map<String, Object> rx = new LinkedHashMap<>();
            rx.put("bytes", c.rxBytes());
            rx.put("packets", c.rxFrames());
            rx.put("dropped", c.rxDrops());
            Map<String, Object> tx = new LinkedHashMap<>();
            tx.put("bytes", c.txBytes());
            tx.put("packets", c.txFrames());
            tx.put("dropped", c.txDrops());
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("rx", rx);
            st.put("tx", tx);
            m.put("stats", st);
          }
          vfs.add(m);
        }
        o.put("vfinfo_list", vfs);
        all.add(o);
      }
      return Json.write(all, style.pretty());
    }
    StringBuilder s = new StringBuilder();
    for (Pf pf : pfs) {
      if (s.length() > 0) {
        s.append('\n');
      }
      s.append(pf.netdev()).append(": <").append(String.join(",", pf.flags())).append("> mtu 1500 state ")
          .append(pf.operstate());
      for (VfConfig v : pf.vfs()) {
        s.append("\n    vf ").append(v.vf()).append("     link/ether ").append(v.mac()).append(" brd ff:ff:ff:ff:ff:ff");
        if (v.vlan() != 0) {
          s.append(", vlan ").append(v.vlan());
        }
        s.append(", spoof checking ").append(v.spoofCheck() ? "on" : "off").append(", link-state auto, trust ")
            .append(v.trust() ? "on" : "off");
        if (pf.stats() != null) {
          PortCounters c = pf.stats().get(v.vf());
          s.append(String.format("%n    RX: bytes  packets  dropped%n    %-10d %-8d %-8d", c.rxBytes(), c.rxFrames(), c.rxDrops()).stripTrailing());
          s.append(String.format("%n    TX: bytes  packets  dropped%n    %-10d %-8d %-8d", c.txBytes(), c.txFrames(), c.txDrops()).stripTrailing());
        }
      }
    }
    return s.toString();
  }
}
