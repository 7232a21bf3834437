package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.devlink.DevlinkDev;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.devlink.PortFlavour;
import net.vdpa.device.core.DeviceLog;
import net.vdpa.device.core.DeviceTable;

/**
 * One SmartNIC adapter: its PF, uplinks, embedded switch, VFs and SFs, and what devlink changes on
 * them. Every change is checked whole before anything moves, then applied and kept
 * ({@link StateStore}); a VF, or an SF once active, is a vDPA management device registered through
 * the {@link Registrar}.
 *
 * <p>Thread-safe: control-plane operations hold this object's lock; the datapath (the switch and
 * the functions' devices) never takes it.
 */
final class Adapter {
  /** Registers a function's management device as a service. */
  @FunctionalInterface
  interface Registrar {
    /**
     * Registers a management device.
     *
     * @param m the management device
     * @return what withdraws it
     */
    Runnable register(VdpaMgmtDevice m);
  }

  /** The devlink port index of uplink 0 (uplink 1 has the one below), as mlx5 numbers its uplink. */
  static final int UPLINK_PORT_INDEX = 65535;
  /** The first devlink port index of an SF, as mlx5 numbers them. */
  static final int FIRST_SF_PORT_INDEX = 32768;
  /** The largest SF number taken. */
  static final int MAX_SFNUM = 999_999;

  private final AdapterConfig config;
  private final String name;
  private final ESwitch eswitch;
  private final SwitchPort[] uplinks;
  private final Registrar registrar;
  private final DeviceTable.Publisher publisher;
  private final StateStore store;
  private final AuxIndexes aux;
  private final DeviceLog log;
  /** VFs by number, 0..numVfs-1. Guarded by this. */
  private final List<NicFunction> vfs = new ArrayList<>();
  /** SFs by SF number. Guarded by this. */
  private final Map<Integer, NicFunction> sfs = new TreeMap<>();
  /** The auxiliary index of each SF, by SF number. Guarded by this. */
  private final Map<Integer, Integer> sfAux = new TreeMap<>();
  /** VF MACs as kept (also for VFs not enabled now). Guarded by this. */
  private final Map<Integer, MacAddress> vfMacs = new TreeMap<>();
  /** VF VLAN, spoof check and trust as kept (also for VFs not enabled now). Guarded by this. */
  private final Map<Integer, AdapterState.Vf> vfConf = new TreeMap<>();
  private final String netdev;
  private EswitchMode mode = EswitchMode.LEGACY;
  private boolean closed;

  /**
   * An adapter with its kept state applied: VFs enabled, SFs created and activated as they were.
   *
   * @param config what the adapter is
   * @param eswitch its switch
   * @param registrar registers management devices
   * @param publisher registers vDPA devices
   * @param store where devlink changes are kept
   * @param aux the bundle's auxiliary indices
   * @param log where log lines go
   */
  Adapter(AdapterConfig config, ESwitch eswitch, Registrar registrar, DeviceTable.Publisher publisher,
      StateStore store, AuxIndexes aux, DeviceLog log) {
    this.config = config;
    this.name = config.devlinkName();
    this.eswitch = eswitch;
    this.registrar = registrar;
    this.publisher = publisher;
    this.store = store;
    this.aux = aux;
    this.log = log;
    this.netdev = netdev(config.pci(), 0);
    this.uplinks = new SwitchPort[config.uplinks()];
    for (int i = 0; i < uplinks.length; i++) {
      // no cable yet: no carrier, so floods leave them out
      uplinks[i] = eswitch.add(netdev(config.pci(), i), false);
    }
    restore(store.load(config.pci().toString()));
  }

  /**
   * The name udev gives the PF's port {@code i} ({@code enp3s0f0np0}): slot-based, so two adapters
   * never share one.
   */
  static String netdev(PciAddress pci, int port) {
    return "en" + (pci.domain() != 0 ? "P" + pci.domain() : "") + "p" + pci.bus() + "s" + pci.device() + "f"
        + pci.function() + "np" + port;
  }

  String netdev() {
    return netdev;
  }

  private synchronized void restore(AdapterState s) {
    mode = s.mode();
    vfMacs.putAll(s.vfMacs());
    vfConf.putAll(s.vfs());
    try {
      enableVfs(Math.min(s.numVfs(), config.maxVfs()));
      for (AdapterState.Sf sf : s.sfs()) {
        if (sfs.size() < config.maxSfs() && !sfs.containsKey(sf.sfnum())) {
          NicFunction f = newSf(sf.sfnum(), sf.portIndex(), aux.claim(sf.aux()));
          f.setHwAddr(sf.hwAddr());
          if (sf.state() == FunctionState.ACTIVE) {
            f.setState(FunctionState.ACTIVE);
            f.registered(registrar.register(f));
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("adapter " + name + ": kept state only partly restored: " + e.getMessage());
    }
  }

  String name() {
    return name;
  }

  AdapterConfig config() {
    return config;
  }

  ESwitch eswitch() {
    return eswitch;
  }

  // ---------------------------------------------------------------- views

  synchronized DevlinkDev dev() {
    return new DevlinkDev(name, netdev, mode, vfs.size(), config.maxVfs(), config.maxSfs(), config.queuePairs(),
        config.uplinks(), config.speed());
  }

  synchronized List<DevlinkPort> ports() {
    List<DevlinkPort> out = new ArrayList<>();
    for (int i = 0; i < uplinks.length; i++) {
      out.add(new DevlinkPort(name, UPLINK_PORT_INDEX - i, PortFlavour.PHYSICAL, uplinks[i].name(), i, 0, null, null,
          true, null));
    }
    for (NicFunction f : vfs) {
      out.add(view(f));
    }
    for (NicFunction f : sfs.values()) {
      out.add(view(f));
    }
    out.sort(java.util.Comparator.comparingInt(DevlinkPort::index));
    return out;
  }

  private DevlinkPort view(NicFunction f) {
    boolean sf = f.flavour() == PortFlavour.PCISF;
    boolean attached = f.state() == FunctionState.ACTIVE;
    return new DevlinkPort(name, f.portIndex(), f.flavour(), null, f.number(), 0, f.hwAddr(), sf ? f.state() : null,
        attached, attached ? f.handle() : null);
  }

  /**
   * The function whose management device has a handle.
   *
   * @param handle the handle
   * @return the function, or null
   */
  synchronized NicFunction function(String handle) {
    for (NicFunction f : functions()) {
      if (f.handle().equals(handle)) {
        return f;
      }
    }
    return null;
  }

  private List<NicFunction> functions() {
    List<NicFunction> all = new ArrayList<>(vfs);
    all.addAll(sfs.values());
    return all;
  }

  // ---------------------------------------------------------------- changes

  synchronized void setMode(EswitchMode m) {
    if (m == mode) {
      return;
    }
    List<String> carrying = carrying(functions());
    if (!carrying.isEmpty()) {
      throw new IllegalStateException(name + ": eswitch mode stays " + mode.word() + ": functions carry vDPA devices "
          + String.join(", ", carrying) + "; delete them first");
    }
    throw new IllegalStateException(name + ": eswitch mode " + m.word() + " is not available on this adapter yet "
        + "(representors and rules are to come); the mode stays " + mode.word());
  }

  synchronized void setNumVfs(int n) {
    check();
    AdapterConfig.range("sriov_numvfs", n, 0, config.maxVfs());
    if (n == vfs.size()) {
      return;
    }
    if (n != 0 && !vfs.isEmpty()) {
      throw new IllegalStateException(name + " has " + vfs.size() + (vfs.size() == 1 ? " VF" : " VFs")
          + "; set sriov_numvfs to 0 before setting it to "
          + n + " (as Linux asks)");
    }
    if (n == 0) {
      List<String> carrying = carrying(vfs);
      if (!carrying.isEmpty()) {
        throw new IllegalStateException(name + ": VFs carry vDPA devices " + String.join(", ", carrying)
            + "; delete them before disabling the VFs");
      }
      for (int i = vfs.size() - 1; i >= 0; i--) {
        NicFunction f = vfs.remove(i);
        f.unregister();
        f.close();
      }
      log.info("adapter " + name + ": VFs disabled");
    } else {
      enableVfs(n);
      log.info("adapter " + name + ": " + n + " VFs enabled");
    }
    save();
  }

  private void enableVfs(int n) {
    for (int i = 0; i < n; i++) {
      NicFunction f = new NicFunction(PortFlavour.PCIVF, i, 1 + i, "pci/" + config.pci().vf(i), config.queuePairs(),
          eswitch, publisher, log);
      MacAddress mac = vfMacs.get(i);
      if (mac != null) {
        f.setHwAddr(mac);
      }
      apply(f, vfConf.getOrDefault(i, AdapterState.Vf.DEFAULT));
      vfs.add(f);
      f.registered(registrar.register(f));
    }
  }

  private void apply(NicFunction f, AdapterState.Vf v) {
    eswitch.vlan(f.port(), v.vlan());
    f.port().spoofCheck(v.spoofCheck());
    f.port().trusted(v.trust());
  }

  synchronized List<net.vdpa.api.devlink.VfConfig> vfs() {
    List<net.vdpa.api.devlink.VfConfig> out = new ArrayList<>();
    for (NicFunction f : vfs) {
      AdapterState.Vf v = vfConf.getOrDefault(f.number(), AdapterState.Vf.DEFAULT);
      out.add(new net.vdpa.api.devlink.VfConfig(f.number(), f.hwAddr(), v.vlan(), v.spoofCheck(), v.trust()));
    }
    return out;
  }

  synchronized net.vdpa.api.port.PortCounters vfCounters(int vf) {
    check();
    if (vfs.isEmpty()) {
      throw new IllegalArgumentException("vf " + vf + ": " + netdev + " has no VFs (sriov_numvfs is 0)");
    }
    AdapterConfig.range("vf", vf, 0, vfs.size() - 1);
    return vfs.get(vf).counters();
  }

  /**
   * Sets what {@code ip link set PF vf N} sets; null leaves a setting. Checked whole first.
   */
  synchronized void setVf(int vf, MacAddress mac, Integer vlan, Boolean spoofCheck, Boolean trust) {
    check();
    if (vfs.isEmpty()) {
      throw new IllegalArgumentException("vf " + vf + ": " + netdev + " has no VFs (sriov_numvfs is 0)");
    }
    AdapterConfig.range("vf", vf, 0, vfs.size() - 1);
    if (vlan != null) {
      AdapterConfig.range("vlan", vlan, 0, 4094);
    }
    NicFunction f = vfs.get(vf);
    if (mac != null) {
      setFunction(f.portIndex(), mac, null);
    }
    AdapterState.Vf old = vfConf.getOrDefault(vf, AdapterState.Vf.DEFAULT);
    AdapterState.Vf v = new AdapterState.Vf(vlan != null ? vlan : old.vlan(),
        spoofCheck != null ? spoofCheck : old.spoofCheck(), trust != null ? trust : old.trust());
    if (v.equals(AdapterState.Vf.DEFAULT)) {
      vfConf.remove(vf);
    } else {
      vfConf.put(vf, v);
    }
    apply(f, v);
    save();
    log.info("adapter " + name + ": vf " + vf + " vlan " + v.vlan() + " spoofchk " + (v.spoofCheck() ? "on" : "off")
        + " trust " + (v.trust() ? "on" : "off"));
  }

  synchronized DevlinkPort addSf(int pfnum, int sfnum) {
    check();
    AdapterConfig.range("pfnum", pfnum, 0, 0);
    AdapterConfig.range("sfnum", sfnum, 0, MAX_SFNUM);
    if (sfs.containsKey(sfnum)) {
      throw new IllegalArgumentException("sfnum " + sfnum + " is in use on " + name + " (port " + name + "/"
          + sfs.get(sfnum).portIndex() + ")");
    }
    if (sfs.size() >= config.maxSfs()) {
      throw new IllegalStateException(name + " has " + sfs.size() + " SFs, its maximum (max_sfs " + config.maxSfs() + ")");
    }
    int index = FIRST_SF_PORT_INDEX;
    while (portIndexUsed(index)) {
      index++;
    }
    NicFunction f = newSf(sfnum, index, aux.next());
    save();
    log.info("adapter " + name + ": SF " + sfnum + " added as port " + name + "/" + index);
    return view(f);
  }

  private boolean portIndexUsed(int index) {
    for (NicFunction f : sfs.values()) {
      if (f.portIndex() == index) {
        return true;
      }
    }
    return false;
  }

  private NicFunction newSf(int sfnum, int portIndex, int auxIndex) {
    NicFunction f = new NicFunction(PortFlavour.PCISF, sfnum, portIndex, "auxiliary/smartnic.sf." + auxIndex,
        config.queuePairs(), eswitch, publisher, log);
    sfs.put(sfnum, f);
    sfAux.put(sfnum, auxIndex);
    return f;
  }

  synchronized void delPort(int index) {
    check();
    NicFunction f = port(index);
    if (f.flavour() != PortFlavour.PCISF) {
      throw new IllegalArgumentException("port " + name + "/" + index + " is a " + f.flavour().word()
          + " port; only pcisf ports can be deleted");
    }
    List<String> carrying = carrying(List.of(f));
    if (!carrying.isEmpty()) {
      throw new IllegalStateException("port " + name + "/" + index + " (sfnum " + f.number() + ") carries vDPA device "
          + carrying.get(0) + "; delete it first");
    }
    sfs.remove(f.number());
    aux.release(sfAux.remove(f.number()));
    f.unregister();
    f.close();
    save();
    log.info("adapter " + name + ": SF " + f.number() + " (port " + name + "/" + index + ") deleted");
  }

  synchronized DevlinkPort setFunction(int index, MacAddress hwAddr, FunctionState state) {
    check();
    NicFunction f = port(index);
    if (state != null && f.flavour() != PortFlavour.PCISF) {
      throw new IllegalArgumentException("port " + name + "/" + index + " is a " + f.flavour().word()
          + " port; only pcisf functions have a state");
    }
    if (hwAddr != null && hwAddr.value() != 0) {
      hwAddr.checkStation();
    }
    boolean macChanges = hwAddr != null && !hwAddr.equals(f.hwAddr());
    boolean deactivates = state == FunctionState.INACTIVE && f.state() == FunctionState.ACTIVE;
    if (macChanges || deactivates) {
      List<String> carrying = carrying(List.of(f));
      if (!carrying.isEmpty()) {
        throw new IllegalStateException("port " + name + "/" + index + " carries vDPA device " + carrying.get(0)
            + "; delete it before changing its function's " + (macChanges ? "hw_addr" : "state"));
      }
    }
    if (hwAddr != null) {
      f.setHwAddr(hwAddr);
      if (f.flavour() == PortFlavour.PCIVF) {
        if (hwAddr.value() == 0) {
          vfMacs.remove(f.number());
        } else {
          vfMacs.put(f.number(), hwAddr);
        }
      }
    }
    if (state != null && state != f.state()) {
      f.setState(state);
      if (state == FunctionState.ACTIVE) {
        f.registered(registrar.register(f));
      } else {
        f.unregister();
      }
      log.info("adapter " + name + ": SF " + f.number() + " " + state.word());
    }
    save();
    return view(f);
  }

  private NicFunction port(int index) {
    check();
    for (NicFunction f : functions()) {
      if (f.portIndex() == index) {
        return f;
      }
    }
    if (index <= UPLINK_PORT_INDEX && index > UPLINK_PORT_INDEX - uplinks.length) {
      throw new IllegalArgumentException("port " + name + "/" + index + " is an uplink (physical) port; it has no function");
    }
    throw new IllegalArgumentException("there is no port " + name + "/" + index);
  }

  private static List<String> carrying(List<NicFunction> fs) {
    List<String> out = new ArrayList<>();
    for (NicFunction f : fs) {
      for (String d : f.devices()) {
        out.add(d + " (" + f.handle() + ")");
      }
    }
    return out;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("adapter " + name + " is gone");
    }
  }

  private void save() {
    Map<Integer, MacAddress> macs = new LinkedHashMap<>(vfMacs);
    List<AdapterState.Sf> kept = new ArrayList<>();
    for (NicFunction f : sfs.values()) {
      kept.add(new AdapterState.Sf(f.number(), f.portIndex(), sfAux.get(f.number()), f.hwAddr(), f.state()));
    }
    store.save(new AdapterState(config.pci().toString(), mode, vfs.size(), macs, vfConf, kept));
  }

  /**
   * Takes the adapter apart (its configuration was deleted or the bundle stops): every function's
   * device is deleted through the bus, newest function first; the kept state stays.
   */
  synchronized void close() {
    closed = true;
    List<NicFunction> all = functions();
    for (int i = all.size() - 1; i >= 0; i--) {
      NicFunction f = all.get(i);
      f.close();
      f.unregister();
    }
    for (int sfnum : sfAux.keySet()) {
      aux.release(sfAux.get(sfnum));
    }
    vfs.clear();
    sfs.clear();
    sfAux.clear();
    for (SwitchPort u : uplinks) {
      eswitch.remove(u);
    }
  }
}
