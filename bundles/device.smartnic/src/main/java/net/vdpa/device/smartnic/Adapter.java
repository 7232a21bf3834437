package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.DevlinkDev;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.devlink.PortFlavour;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.port.PortCounters;
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
  /** The devlink port index of uplink 0 (uplink 1 has the one below), as mlx5 numbers its uplink. */
  static final int UPLINK_PORT_INDEX = 65535;
  /** The first devlink port index of an SF, as mlx5 numbers them. */
  static final int FIRST_SF_PORT_INDEX = 32768;
  /** The largest SF number taken. */
  static final int MAX_SFNUM = 999_999;

  private final AdapterConfig config;
  private final String name;
  private final ESwitch eswitch;
  private final Uplinks uplinks;
  private final Registrar registrar;
  private final DeviceTable.Publisher publisher;
  private final StateStore store;
  private final EventLog log;
  /** The VFs and their settings. Guarded by this. */
  private final VfSet vfs;
  /** The SFs. Guarded by this. */
  private final SfSet sfs;
  private final String netdev;
  private EswitchMode mode = EswitchMode.LEGACY;
  /** The representors and rules of switchdev mode; this object's lock. */
  private final Switchdev switchdev;
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
    this.log = log;
    this.netdev = config.pci().netdev(0);
    this.vfs = new VfSet(config, eswitch, registrar, publisher, log);
    this.sfs = new SfSet(name, config, eswitch, registrar, publisher, aux, log);
    this.switchdev = new Switchdev(name, eswitch, registrar, log);
    AdapterState kept = store.load(config.pci().toString());
    // the administrator's link state comes back; a cable does not (see AdapterState)
    this.uplinks = new Uplinks(config, eswitch, java.util.Set.copyOf(kept.uplinksDown()));
    restore(kept);
  }

  String netdev() {
    return netdev;
  }

  private synchronized void restore(AdapterState s) {
    mode = s.mode();
    vfs.restore(s.vfMacs(), s.vfs());
    try {
      vfs.enable(Math.min(s.numVfs(), config.maxVfs()));
      sfs.restore(s.sfs());
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
    for (int i = 0; i < uplinks.list().size(); i++) {
      out.add(new DevlinkPort(name, Uplinks.index(i), PortFlavour.PHYSICAL, uplinks.list().get(i).name(), i, 0, null,
          null, true, null));
    }
    for (NicFunction f : vfs.list()) {
      out.add(view(f));
    }
    for (NicFunction f : sfs.list()) {
      out.add(view(f));
    }
    out.sort(java.util.Comparator.comparingInt(DevlinkPort::index));
    return out;
  }

  private DevlinkPort view(NicFunction f) {
    return f.view(name, switchdev.netdev(f.port()));
  }

  private List<NicFunction> functions() {
    List<NicFunction> all = new ArrayList<>(vfs.list());
    all.addAll(sfs.list());
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
        ? ", " + switchdev.size() + " representor(s)" : ""));
  }

  /** Representors and rules to match the mode, the uplinks and the functions (see {@link Switchdev#sync}). */
  private void syncRepresentors() {
    List<Switchdev.Spec> specs = new ArrayList<>();
    uplinks.specs(name, specs);
    for (NicFunction f : functions()) {
      specs.add(new Switchdev.Spec(f.port(), config.pci().representor(f.representor()), f.handle(), f.portIndex()));
    }
    switchdev.sync(mode == EswitchMode.SWITCHDEV && !closed, specs);
    followUplinks();
  }

  List<Uplink> uplinks() {
    return uplinks.list();
  }

  /** Sets the link state of one of this adapter's uplinks, kept; the functions follow. */
  synchronized void setUplinkLink(Uplink u, boolean up) {
    check();
    u.setLink(up);
    followUplinks();
    save();
    log.info("adapter " + name + ": uplink " + u.name() + " link " + (up ? "up" : "down"));
  }

  /**
   * Every function's link follows the uplinks (Linux's VF link state {@code auto}): up while one
   * uplink's link is up. A change reaches each function's device as the config space's link bit
   * and a config interrupt.
   */
  synchronized void followUplinks() {
    boolean up = uplinks.anyUp();
    for (NicFunction f : functions()) {
      f.setLink(up);
    }
  }

  /**
   * Runs an operation on the switchdev side (representors, rules) under the adapter's lock.
   *
   * @param op the operation
   * @param <T> its result
   * @return the result
   */
  synchronized <T> T switchdev(java.util.function.Function<Switchdev, T> op) {
    return op.apply(switchdev);
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

  /** What a port carried (by devlink port index): a physical port's uplink wire, a VF's or SF's function. */
  synchronized PortCounters counters(int index) {
    check();
    Uplink u = uplinks.byIndex(index);
    return u != null ? u.counters() : port(index).counters();
  }

  /** What a port's representor carried (by devlink port index); empty in legacy mode. */
  synchronized Optional<PortCounters> representorCounters(int index) {
    check();
    Uplink u = uplinks.byIndex(index);
    return switchdev.counters(u != null ? u.port() : port(index).port());
  }

  /** Whether the PF's netdev has carrier: uplink 0 is up and plugged into a wire. */
  boolean carrier() {
    return uplinks.carrier();
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
    NicFunction f = sfs.add(pfnum, sfnum);
    syncRepresentors();
    save();
    return view(f);
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
    sfs.delete(f);
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
    if (uplinks.byIndex(index) != null) {
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
    store.save(new AdapterState(config.pci().toString(), mode, vfs.size(), vfs.keptMacs(), vfs.keptSettings(),
        sfs.kept(), uplinks.down()));
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
    vfs.clear();
    sfs.clear();
    uplinks.close(eswitch);
  }
}
