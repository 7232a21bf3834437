package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.DevlinkDev;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.log.EventLog;
import net.vdpa.device.core.DeviceTable;

/**
 * The adapters of the bundle, by configuration PID, and the devlink operations over them, free of
 * OSGi: finds the adapter a devlink name or a port name belongs to and hands the change to it.
 *
 * <p>Thread-safe: the table is guarded by this object's lock; adapters have their own.
 */
final class Adapters {
  private final Registrar registrar;
  private final DeviceTable.Publisher publisher;
  private final StateStore store;
  private final EventLog log;
  private final AuxIndexes aux = new AuxIndexes();
  /** Serialises creating and taking apart adapters (ConfigAdmin's thread and activation may race). */
  private final Object changes = new Object();
  /** Adapters by configuration PID. Guarded by this. */
  private final Map<String, Adapter> byPid = new TreeMap<>();

  Adapters(Registrar registrar, DeviceTable.Publisher publisher, StateStore store, EventLog log) {
    this.registrar = registrar;
    this.publisher = publisher;
    this.store = store;
    this.log = log;
  }

  /**
   * Creates, or re-creates with a changed configuration, the adapter of a configuration.
   *
   * @param pid the configuration's PID
   * @param config the adapter
   * @throws IllegalArgumentException if another configuration has the same PCI address
   */
  void update(String pid, AdapterConfig config) {
    synchronized (changes) {
      replace(pid, config);
    }
  }

  private void replace(String pid, AdapterConfig config) {
    Adapter old;
    synchronized (this) {
      for (Map.Entry<String, Adapter> e : byPid.entrySet()) {
        if (!e.getKey().equals(pid) && e.getValue().config().pci().equals(config.pci())) {
          throw new IllegalArgumentException("pci " + config.pci() + " is the address of adapter " + e.getKey()
              + " already");
        }
      }
      old = byPid.remove(pid);
      if (old != null && old.config().equals(config)) {
        byPid.put(pid, old);
        return;
      }
    }
    if (old != null) {
      old.close();
    }
    Adapter a = new Adapter(config, new ESwitch(Fdb.DEFAULT_AGEING_MILLIS, System::currentTimeMillis), registrar,
        publisher, store, aux, log);
    synchronized (this) {
      byPid.put(pid, a);
    }
    log.info("adapter " + a.name() + " up: " + config.uplinks() + " uplinks at " + config.speed() + " Mb/s, "
        + config.maxVfs() + " VFs, " + config.maxSfs() + " SFs, " + config.queuePairs() + " queue pairs per function");
  }

  /**
   * Takes an adapter apart (its configuration was deleted).
   *
   * @param pid the configuration's PID
   */
  void delete(String pid) {
    Adapter a;
    synchronized (changes) {
      synchronized (this) {
        a = byPid.remove(pid);
      }
      if (a != null) {
        a.close();
        log.info("adapter " + a.name() + " removed");
      }
    }
  }

  /** Takes every adapter apart (the bundle stops). */
  void close() {
    synchronized (changes) {
      List<Adapter> all;
      synchronized (this) {
        all = new ArrayList<>(byPid.values());
        byPid.clear();
      }
      for (Adapter a : all) {
        a.close();
      }
    }
  }

  synchronized List<Adapter> all() {
    List<Adapter> l = new ArrayList<>(byPid.values());
    l.sort(Comparator.comparing(Adapter::name));
    return l;
  }

  /**
   * The adapter with a devlink name.
   *
   * @param dev {@code pci/0000:03:00.0}
   * @return the adapter
   * @throws IllegalArgumentException if there is none
   */
  Adapter adapter(String dev) {
    for (Adapter a : all()) {
      if (a.name().equals(dev)) {
        return a;
      }
    }
    throw new IllegalArgumentException("there is no devlink device " + dev);
  }

  boolean owns(String dev) {
    for (Adapter a : all()) {
      if (a.name().equals(dev)) {
        return true;
      }
    }
    return false;
  }

  List<DevlinkDev> devices() {
    return all().stream().map(Adapter::dev).toList();
  }

  List<DevlinkPort> ports() {
    List<DevlinkPort> out = new ArrayList<>();
    for (Adapter a : all()) {
      out.addAll(a.ports());
    }
    return out;
  }

  /** A port name split into its adapter and index. */
  private record PortRef(Adapter adapter, int index) {}

  private PortRef port(String port) {
    int slash = port.lastIndexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("port '" + port + "' is not of the form DEV/INDEX (such as pci/0000:03:00.0/1)");
    }
    int index;
    try {
      index = Integer.parseInt(port.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port index '" + port.substring(slash + 1) + "' of " + port + " is not a number");
    }
    return new PortRef(adapter(port.substring(0, slash)), index);
  }

  /** The adapter with the representor. */
  private Adapter withRepresentor(String rep) {
    for (Adapter a : all()) {
      if (a.switchdev(s -> s.has(rep))) {
        return a;
      }
    }
    throw new IllegalArgumentException("there is no representor '" + rep + "' (representors exist in switchdev mode)");
  }

  boolean hasRepresentor(String rep) {
    return all().stream().anyMatch(a -> a.switchdev(s -> s.has(rep)));
  }

  void addRule(String rep, net.vdpa.api.devlink.FlowRule rule) {
    withRepresentor(rep).switchdev(s -> {
      s.addRule(rep, rule);
      return null;
    });
  }

  void deleteRule(String rep, int prio) {
    withRepresentor(rep).switchdev(s -> {
      s.deleteRule(rep, prio);
      return null;
    });
  }

  List<net.vdpa.api.devlink.FlowRuleStats> rules(String rep) {
    return withRepresentor(rep).switchdev(s -> s.rules(rep));
  }

  net.vdpa.api.port.PortCounters counters(String port) {
    PortRef r = port(port);
    return r.adapter().counters(r.index());
  }

  java.util.Optional<net.vdpa.api.port.PortCounters> representorCounters(String port) {
    PortRef r = port(port);
    return r.adapter().representorCounters(r.index());
  }

  boolean carrier(String dev) {
    return adapter(dev).carrier();
  }

  void setEswitchMode(String dev, EswitchMode mode) {
    adapter(dev).setMode(mode);
  }

  void setNumVfs(String dev, int n) {
    adapter(dev).setNumVfs(n);
  }

  DevlinkPort addSf(String dev, int pfnum, int sfnum) {
    return adapter(dev).addSf(pfnum, sfnum);
  }

  void delPort(String port) {
    PortRef r = port(port);
    r.adapter().delPort(r.index());
  }

  List<net.vdpa.api.devlink.VfConfig> vfs(String dev) {
    return adapter(dev).vfs();
  }

  net.vdpa.api.port.PortCounters vfCounters(String dev, int vf) {
    return adapter(dev).vfCounters(vf);
  }

  void setVf(String dev, int vf, MacAddress mac, Integer vlan, Boolean spoofCheck, Boolean trust) {
    adapter(dev).setVf(vf, mac, vlan, spoofCheck, trust);
  }

  DevlinkPort setFunction(String port, MacAddress hwAddr, FunctionState state) {
    PortRef r = port(port);
    return r.adapter().setFunction(r.index(), hwAddr, state);
  }
}
