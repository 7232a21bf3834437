package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.PortFlavour;
import net.vdpa.api.devlink.VfConfig;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.port.PortCounters;
import net.vdpa.device.core.DeviceTable;

/**
 * An adapter's VFs and what was set on them: the enabled functions, by number, and the MAC, VLAN,
 * spoof check and trust kept for each VF number (also for VFs not enabled now, as Linux keeps a
 * PF's VF settings across {@code sriov_numvfs} changes). Checks are the adapter's; this class applies.
 *
 * <p>Not thread-safe: used under the adapter's lock.
 */
final class VfSet {
  private final AdapterConfig config;
  private final ESwitch eswitch;
  private final Registrar registrar;
  private final DeviceTable.Publisher publisher;
  private final EventLog log;
  private final List<NicFunction> vfs = new ArrayList<>();
  private final Map<Integer, MacAddress> macs = new TreeMap<>();
  private final Map<Integer, AdapterState.Vf> settings = new TreeMap<>();

  VfSet(AdapterConfig config, ESwitch eswitch, Registrar registrar, DeviceTable.Publisher publisher,
      EventLog log) {
    this.config = config;
    this.eswitch = eswitch;
    this.registrar = registrar;
    this.publisher = publisher;
    this.log = log;
  }

  /** Takes the kept settings back (before the VFs are enabled). */
  void restore(Map<Integer, MacAddress> keptMacs, Map<Integer, AdapterState.Vf> kept) {
    macs.putAll(keptMacs);
    settings.putAll(kept);
  }

  int size() {
    return vfs.size();
  }

  List<NicFunction> list() {
    return vfs;
  }

  NicFunction get(int vf) {
    return vfs.get(vf);
  }

  /** Enables VFs 0..n-1: each a function with its kept settings, a registered management device. */
  void enable(int n) {
    for (int i = 0; i < n; i++) {
      NicFunction f = new NicFunction(PortFlavour.PCIVF, i, 1 + i, "pci/" + config.pci().vf(i), config.queuePairs(),
          eswitch, publisher, log);
      MacAddress mac = macs.get(i);
      if (mac != null) {
        f.setHwAddr(mac);
      }
      apply(f, settings.getOrDefault(i, AdapterState.Vf.DEFAULT));
      vfs.add(f);
      f.registered(registrar.register(f));
    }
  }

  /** Disables every VF, newest first (they carry no device: the adapter checked). */
  void disable() {
    for (int i = vfs.size() - 1; i >= 0; i--) {
      NicFunction f = vfs.remove(i);
      f.unregister();
      f.close();
    }
  }

  /** Forgets the functions without closing them (the adapter closes every function itself). */
  void clear() {
    vfs.clear();
  }

  private void apply(NicFunction f, AdapterState.Vf v) {
    eswitch.vlan(f.port(), v.vlan());
    f.port().spoofCheck(v.spoofCheck());
    f.port().trusted(v.trust());
  }

  /** Keeps a MAC set on a VF (00:00:00:00:00:00 forgets it). */
  void keepMac(int vf, MacAddress mac) {
    if (mac.value() == 0) {
      macs.remove(vf);
    } else {
      macs.put(vf, mac);
    }
  }

  /**
   * Sets a VF's VLAN, spoof check and trust (null leaves one) and keeps them.
   *
   * @return the settings now in force
   */
  AdapterState.Vf set(int vf, Integer vlan, Boolean spoofCheck, Boolean trust) {
    AdapterState.Vf old = settings.getOrDefault(vf, AdapterState.Vf.DEFAULT);
    AdapterState.Vf v = new AdapterState.Vf(vlan != null ? vlan : old.vlan(),
        spoofCheck != null ? spoofCheck : old.spoofCheck(), trust != null ? trust : old.trust());
    if (v.equals(AdapterState.Vf.DEFAULT)) {
      settings.remove(vf);
    } else {
      settings.put(vf, v);
    }
    apply(vfs.get(vf), v);
    return v;
  }

  /** The enabled VFs as {@code ip link show} lists them. */
  List<VfConfig> configs() {
    List<VfConfig> out = new ArrayList<>();
    for (NicFunction f : vfs) {
      AdapterState.Vf v = settings.getOrDefault(f.number(), AdapterState.Vf.DEFAULT);
      out.add(new VfConfig(f.number(), f.hwAddr(), v.vlan(), v.spoofCheck(), v.trust()));
    }
    return out;
  }

  PortCounters counters(int vf) {
    return vfs.get(vf).counters();
  }

  /** The MACs to keep. */
  Map<Integer, MacAddress> keptMacs() {
    return macs;
  }

  /** The settings to keep. */
  Map<Integer, AdapterState.Vf> keptSettings() {
    return settings;
  }
}
