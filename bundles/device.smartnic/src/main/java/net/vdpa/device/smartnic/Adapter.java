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
import net.vdpa.api.devlink.FlowRule;
import net.vdpa.api.devlink.FlowRuleStats;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.devlink.PortFlavour;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.NetInterface;
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
  /** Registers a function's management device, and in switchdev mode its representor, as services. */
  @FunctionalInterface
  interface Registrar {
    /**
     * Registers a management device.
     *
     * @param m the management device
     * @return what withdraws it
     */
    Runnable register(VdpaMgmtDevice m);

    /**
     * Registers a representor as a network interface.
     *
     * @param rep the representor
     * @return what withdraws it
     */
    default Runnable registerInterface(NetInterface rep) {
      return () -> { };
    }
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
  private final EventLog log;
  /** The VFs and their settings. Guarded by this. */
  private final VfSet vfs;
  /** SFs by SF number. Guarded by this. */
  private final Map<Integer, NicFunction> sfs = new TreeMap<>();
  /** The auxiliary index of each SF, by SF number. Guarded by this. */
  private final Map<Integer, Integer> sfAux = new TreeMap<>();
  private final String netdev;
  private EswitchMode mode = EswitchMode.LEGACY;
  /** In switchdev mode, each function's representor and what withdraws its service; this object's lock. */
  private final Map<NicFunction, Runnable> representors = new LinkedHashMap<>();
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
      StateStore store, AuxIndexes aux, EventLog log) {
    this.config = config;
    this.name = config.devlinkName();
    this.eswitch = eswitch;
    this.registrar = registrar;
    this.publisher = publisher;
    this.store = store;
    this.aux = aux;
    this.log = log;
    this.netdev = config.pci().netdev(0);
    this.vfs = new VfSet(config, eswitch, registrar, publisher, log);
    this.uplinks = new SwitchPort[config.uplinks()];
    for (int i = 0; i < uplinks.length; i++) {
      // no cable yet: no carrier, so floods leave them out
      uplinks[i] = eswitch.add(config.pci().netdev(i), false);
    }
    restore(store.load(config.pci().toString()));
  }

  String netdev() {
    return netdev;
  }

  private synchronized void restore(AdapterState s) {
    mode = s.mode();
    vfs.restore(s.vfMacs(), s.vfs());
    try {
      vfs.enable(Math.min(s.numVfs(), config.maxVfs()));
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
    syncRepresentors();
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
    for (NicFunction f : vfs.list()) {
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
    // a function's port has a netdev only in switchdev mode: its representor
    String netdev = representors.containsKey(f) ? config.pci().representor(f.representor()) : null;
    return new DevlinkPort(name, f.portIndex(), f.flavour(), netdev, f.number(), 0, f.hwAddr(), sf ? f.state() : null,
        attached, attached ? f.handle() : null);
  }

  private List<NicFunction> functions() {
    List<NicFunction> all = new ArrayList<>(vfs.list());
    all.addAll(sfs.values());
    return all;
  }

  // ---------------------------------------------------------------- changes

  synchronized void setMode(EswitchMode m) {
    if (m == mode) {
      return;
    }
    List<String> carrying = NicFunction.carrying(functions());
    if (!carrying.isEmpty()) {
      throw new IllegalStateException(name + ": eswitch mode stays " + mode.word() + ": functions carry vDPA devices "
          + String.join(", ", carrying) + "; delete them first");
    }
    mode = m;
    syncRepresentors();
    save();
    log.info("adapter " + name + ": eswitch mode " + m.word() + (m == EswitchMode.SWITCHDEV
        ? ", " + representors.size() + " representor(s)" : ""));
  }

  /**
   * Makes the representors match the mode and the functions: one per function in switchdev mode,
   * none in legacy mode. The switch changes mode after the ports have their representors (to
   * switchdev) or before they lose them (to legacy), so a frame never finds a port without one.
   */
  private void syncRepresentors() {
    boolean on = mode == EswitchMode.SWITCHDEV && !closed;
    if (!on) {
      eswitch.switchdev(false);
    }
    List<NicFunction> now = on ? functions() : List.of();
    for (var it = representors.entrySet().iterator(); it.hasNext();) {
      var e = it.next();
      if (!now.contains(e.getKey())) {
        dropRules(e.getKey().port());
        Representor rep = e.getKey().port().representor();
        e.getKey().port().representor(null);
        e.getValue().run();
        if (rep != null) {
          rep.close();
        }
        it.remove();
      }
    }
    for (NicFunction f : now) {
      if (!representors.containsKey(f)) {
        Representor rep = new Representor(config.pci().representor(f.representor()), f.handle(), f.port(), representorMac(f),
            NicFunction.DEFAULT_MTU);
        f.port().representor(rep);
        representors.put(f, registrar.registerInterface(rep));
      }
    }
    if (on) {
      eswitch.switchdev(true);
    }
  }

  /** The function whose representor has the name, or null. Caller holds this object's lock. */
  private NicFunction byRepresentor(String rep) {
    for (NicFunction f : representors.keySet()) {
      if (config.pci().representor(f.representor()).equals(rep)) {
        return f;
      }
    }
    return null;
  }

  synchronized boolean hasRepresentor(String rep) {
    return byRepresentor(rep) != null;
  }

  private NicFunction representorOf(String rep) {
    NicFunction f = byRepresentor(rep);
    if (f == null) {
      throw new IllegalArgumentException("there is no representor '" + rep + "' on " + name
          + (mode == EswitchMode.SWITCHDEV ? "" : " (its eswitch is in legacy mode)"));
    }
    return f;
  }

  synchronized void addRule(String rep, FlowRule rule) {
    SwitchPort port = representorOf(rep).port();
    for (SwitchRule r : port.rules()) {
      if (r.rule().prio() == rule.prio()) {
        throw new IllegalArgumentException("prio " + rule.prio() + " is in use on " + rep + "; delete that rule first");
      }
    }
    SwitchRule compiled = new SwitchRule(rule, to -> representorOf(to).port());
    SwitchRule[] now = java.util.Arrays.copyOf(port.rules(), port.rules().length + 1);
    now[now.length - 1] = compiled;
    java.util.Arrays.sort(now, java.util.Comparator.comparingInt(r -> r.rule().prio()));
    port.rules(now);
    log.info("adapter " + name + ": rule prio " + rule.prio() + " added on " + rep);
  }

  synchronized void deleteRule(String rep, int prio) {
    SwitchPort port = representorOf(rep).port();
    SwitchRule[] now = java.util.Arrays.stream(port.rules()).filter(r -> r.rule().prio() != prio)
        .toArray(SwitchRule[]::new);
    if (now.length == port.rules().length) {
      throw new IllegalArgumentException("there is no rule with prio " + prio + " on " + rep);
    }
    port.rules(now);
    log.info("adapter " + name + ": rule prio " + prio + " deleted from " + rep);
  }

  synchronized List<FlowRuleStats> rules(String rep) {
    List<FlowRuleStats> out = new ArrayList<>();
    for (SwitchRule r : representorOf(rep).port().rules()) {
      out.add(r.stats(rep));
    }
    return out;
  }

  /** A port is losing its representor: its rules go, and so do other ports' rules that send to it. */
  private void dropRules(SwitchPort gone) {
    gone.rules(new SwitchRule[0]);
    for (NicFunction f : representors.keySet()) {
      SwitchPort p = f.port();
      SwitchRule[] before = p.rules();
      SwitchRule[] kept = java.util.Arrays.stream(before).filter(r -> !r.targets(gone)).toArray(SwitchRule[]::new);
      if (kept.length != before.length) {
        p.rules(kept);
        log.info("adapter " + name + ": " + (before.length - kept.length) + " rule(s) of "
            + config.pci().representor(f.representor()) + " deleted with the port they sent to");
      }
    }
  }

  /** A representor's own address: locally administered, from the adapter's PCI address and the port index. */
  private MacAddress representorMac(NicFunction f) {
    long h = name.hashCode() & 0xffffL;
    return new MacAddress(0x02_fe_00_00_00_00L | h << 16 | (f.portIndex() & 0xffff));
  }

  synchronized void setNumVfs(int n) {
    check();
    AdapterConfig.range("sriov_numvfs", n, 0, config.maxVfs());
    if (n == vfs.size()) {
      return;
    }
    if (n != 0 && vfs.size() != 0) {
      throw new IllegalStateException(name + " has " + vfs.size() + (vfs.size() == 1 ? " VF" : " VFs")
          + "; set sriov_numvfs to 0 before setting it to "
          + n + " (as Linux asks)");
    }
    if (n == 0) {
      List<String> carrying = NicFunction.carrying(vfs.list());
      if (!carrying.isEmpty()) {
        throw new IllegalStateException(name + ": VFs carry vDPA devices " + String.join(", ", carrying)
            + "; delete them before disabling the VFs");
      }
      vfs.disable();
      log.info("adapter " + name + ": VFs disabled");
    } else {
      vfs.enable(n);
      log.info("adapter " + name + ": " + n + " VFs enabled");
    }
    syncRepresentors();
    save();
  }

  synchronized List<net.vdpa.api.devlink.VfConfig> vfs() {
    return vfs.configs();
  }

  private void checkVf(int vf) {
    check();
    if (vfs.size() == 0) {
      throw new IllegalArgumentException("vf " + vf + ": " + netdev + " has no VFs (sriov_numvfs is 0)");
    }
    AdapterConfig.range("vf", vf, 0, vfs.size() - 1);
  }

  synchronized net.vdpa.api.port.PortCounters vfCounters(int vf) {
    checkVf(vf);
    return vfs.counters(vf);
  }

  /**
   * Sets what {@code ip link set PF vf N} sets; null leaves a setting. Checked whole first.
   */
  synchronized void setVf(int vf, MacAddress mac, Integer vlan, Boolean spoofCheck, Boolean trust) {
    checkVf(vf);
    if (vlan != null) {
      AdapterConfig.range("vlan", vlan, 0, 4094);
    }
    if (mac != null) {
      setFunction(vfs.get(vf).portIndex(), mac, null);
    }
    AdapterState.Vf v = vfs.set(vf, vlan, spoofCheck, trust);
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
    syncRepresentors();
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
    List<String> carrying = NicFunction.carrying(List.of(f));
    if (!carrying.isEmpty()) {
      throw new IllegalStateException("port " + name + "/" + index + " (sfnum " + f.number() + ") carries vDPA device "
          + carrying.get(0) + "; delete it first");
    }
    sfs.remove(f.number());
    aux.release(sfAux.remove(f.number()));
    f.unregister();
    f.close();
    syncRepresentors();
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
      List<String> carrying = NicFunction.carrying(List.of(f));
      if (!carrying.isEmpty()) {
        throw new IllegalStateException("port " + name + "/" + index + " carries vDPA device " + carrying.get(0)
            + "; delete it before changing its function's " + (macChanges ? "hw_addr" : "state"));
      }
    }
    if (hwAddr != null) {
      f.setHwAddr(hwAddr);
      if (f.flavour() == PortFlavour.PCIVF) {
        vfs.keepMac(f.number(), hwAddr);
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

  private void check() {
    if (closed) {
      throw new IllegalStateException("adapter " + name + " is gone");
    }
  }

  private void save() {
    List<AdapterState.Sf> kept = new ArrayList<>();
    for (NicFunction f : sfs.values()) {
      kept.add(new AdapterState.Sf(f.number(), f.portIndex(), sfAux.get(f.number()), f.hwAddr(), f.state()));
    }
    store.save(new AdapterState(config.pci().toString(), mode, vfs.size(), vfs.keptMacs(), vfs.keptSettings(), kept));
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
    syncRepresentors();
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
