package net.vdpa.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.vdpa.api.devlink.VfConfig;

/**
 * {@code ip link show PF}'s lines for a SmartNIC PF and its VFs, as iproute2 prints them (the VF
 * lines after the PF's), or {@code ip -j} JSON ({@code vfinfo_list}).
 */
final class IpFormat {
  private IpFormat() {}

  /** One PF and its VFs. */
  record Pf(String netdev, List<VfConfig> vfs) {}

  static String links(List<Pf> pfs, VdpaFormat.Style style) {
    if (style.json()) {
      List<Object> all = new ArrayList<>();
      for (Pf pf : pfs) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ifname", pf.netdev());
        o.put("flags", List.of("NO-CARRIER", "BROADCAST", "MULTICAST", "UP"));
        o.put("mtu", 1500);
        o.put("operstate", "DOWN");
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
      s.append(pf.netdev()).append(": <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN");
      for (VfConfig v : pf.vfs()) {
        s.append("\n    vf ").append(v.vf()).append("     link/ether ").append(v.mac()).append(" brd ff:ff:ff:ff:ff:ff");
        if (v.vlan() != 0) {
          s.append(", vlan ").append(v.vlan());
        }
        s.append(", spoof checking ").append(v.spoofCheck() ? "on" : "off").append(", link-state auto, trust ")
            .append(v.trust() ? "on" : "off");
      }
    }
    return s.toString();
  }
}
