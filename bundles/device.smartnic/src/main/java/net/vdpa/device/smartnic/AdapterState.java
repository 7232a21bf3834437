package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FunctionState;

/**
 * What devlink changed on an adapter, as it is kept: the eswitch mode, the VF count, each VF's MAC
 * and each SF (number, port index, auxiliary index, MAC, state), and the uplinks' link state. Written as the properties of a
 * named factory configuration ({@code net.vdpa.smartnic.state~<adapter>}) and read back at start.
 *
 * @param adapter the PF's PCI address
 * @param mode the eswitch mode
 * @param numVfs the VF count
 * @param vfMacs MAC addresses set on VFs, by VF number
 * @param vfs VLAN, spoof check and trust set on VFs, by VF number (VFs with the defaults left out)
 * @param sfs the SFs, in creation order
 * @param uplinksDown the uplinks whose link the administrator set down ({@code vdpa:port link UPLINK
 *     down}), by name; what is plugged into an uplink is not kept (a cable to another provider's
 *     port is made by whoever holds both, and lasts until either end goes)
 */
record AdapterState(String adapter, EswitchMode mode, int numVfs, Map<Integer, MacAddress> vfMacs,
    Map<Integer, Vf> vfs, List<Sf> sfs, List<String> uplinksDown) {
  /**
   * What {@code ip link set PF vf N} set on a VF.
   *
   * @param vlan the port VLAN, 0 for none
   * @param spoofCheck the spoof check
   * @param trust the trust
   */
  record Vf(int vlan, boolean spoofCheck, boolean trust) {
    /** Linux's defaults: no VLAN, no spoof check, not trusted. */
    static final Vf DEFAULT = new Vf(0, false, false);
  }

  /**
   * One SF as kept.
   *
   * @param sfnum its SF number
   * @param portIndex its devlink port index
   * @param aux its auxiliary device index ({@code auxiliary/smartnic.sf.N})
   * @param hwAddr its MAC (00:00:00:00:00:00 if unset)
   * @param state its state
   */
  record Sf(int sfnum, int portIndex, int aux, MacAddress hwAddr, FunctionState state) {
    String text() {
      return sfnum + " " + portIndex + " " + aux + " " + hwAddr + " " + state.word();
    }

    static Sf parse(String s) {
      String[] w = s.trim().split(" ");
      if (w.length != 5) {
        throw new IllegalArgumentException("sf '" + s + "' is not 'SFNUM PORT AUX MAC STATE'");
      }
      return new Sf(Integer.parseInt(w[0]), Integer.parseInt(w[1]), Integer.parseInt(w[2]), MacAddress.parse(w[3]),
          FunctionState.of(w[4]));
    }
  }

  /** Copies the collections. */
  AdapterState {
    vfMacs = Map.copyOf(vfMacs);
    vfs = Map.copyOf(vfs);
    sfs = List.copyOf(sfs);
    uplinksDown = List.copyOf(uplinksDown);
  }

  /**
   * A fresh adapter's state.
   *
   * @param adapter the PF's address
   * @return legacy mode, no VFs, no SFs, every uplink up
   */
  static AdapterState fresh(String adapter) {
    return new AdapterState(adapter, EswitchMode.LEGACY, 0, Map.of(), Map.of(), List.of(), List.of());
  }

  /**
   * The configuration properties.
   *
   * @return properties
   */
  Dictionary<String, Object> toProperties() {
    Hashtable<String, Object> p = new Hashtable<>();
    p.put("adapter", adapter);
    p.put("mode", mode.word());
    p.put("numvfs", numVfs);
    List<String> macs = new ArrayList<>();
    new TreeMap<>(vfMacs).forEach((vf, mac) -> macs.add(vf + " " + mac));
    p.put("vf_macs", macs.toArray(new String[0]));
    List<String> vfLines = new ArrayList<>();
    new TreeMap<>(vfs).forEach((vf, v) -> vfLines.add(vf + " " + v.vlan() + " " + v.spoofCheck() + " " + v.trust()));
    p.put("vfs", vfLines.toArray(new String[0]));
    p.put("sfs", sfs.stream().map(Sf::text).toArray(String[]::new));
    p.put("uplinks_down", uplinksDown.toArray(new String[0]));
    return p;
  }

  /**
   * Reads the properties back.
   *
   * @param p properties
   * @return the state
   * @throws IllegalArgumentException naming what cannot be read
   */
  static AdapterState from(Dictionary<String, ?> p) {
    Object a = p.get("adapter");
    if (a == null) {
      throw new IllegalArgumentException("property adapter is missing");
    }
    try {
      EswitchMode mode = EswitchMode.of(String.valueOf(p.get("mode")));
      int numVfs = Integer.parseInt(String.valueOf(p.get("numvfs")));
      Map<Integer, MacAddress> macs = new TreeMap<>();
      for (String s : strings(p.get("vf_macs"))) {
        String[] w = s.trim().split(" ");
        macs.put(Integer.parseInt(w[0]), MacAddress.parse(w[1]));
      }
      Map<Integer, Vf> vfs = new TreeMap<>();
      for (String s : strings(p.get("vfs"))) {
        String[] w = s.trim().split(" ");
        vfs.put(Integer.parseInt(w[0]), new Vf(Integer.parseInt(w[1]), Boolean.parseBoolean(w[2]), Boolean.parseBoolean(w[3])));
      }
      List<Sf> sfs = new ArrayList<>();
      for (String s : strings(p.get("sfs"))) {
        sfs.add(Sf.parse(s));
      }
      // a state kept before uplinks were kept has none: every uplink up
      List<String> down = strings(p.get("uplinks_down"));
      return new AdapterState(a.toString(), mode, numVfs, macs, vfs, sfs, down);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("state of adapter " + a + " cannot be read: " + e.getMessage());
    }
  }

  private static List<String> strings(Object v) {
    if (v == null) {
      return List.of();
    }
    if (v instanceof String[] arr) {
      return List.of(arr);
    }
    if (v instanceof java.util.Collection<?> c) {
      return c.stream().map(String::valueOf).toList();
    }
    return List.of(v.toString());
  }
}
