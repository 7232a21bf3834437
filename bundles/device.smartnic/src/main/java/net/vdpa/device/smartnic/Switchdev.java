package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.FlowRule;
import net.vdpa.api.devlink.FlowRuleStats;
import net.vdpa.api.log.EventLog;

/**
 * An adapter's switchdev side: a {@link Representor} per function, registered as a network
 * interface, and the tc flower rules on the representors' ingress, compiled into the function
 * ports' {@link SwitchRule}s the switch runs.
 *
 * <p>Guarded by the adapter's lock (every method is called holding it); the datapath reads only
 * the ports' volatile representor and rules.
 */
final class Switchdev {
  private final String adapter;
  private final PciAddress pci;
  private final ESwitch eswitch;
  private final Adapter.Registrar registrar;
  private final EventLog log;
  /** Each function's representor and what withdraws its service. */
  private final Map<NicFunction, Runnable> representors = new LinkedHashMap<>();
  private boolean on;

  Switchdev(String adapter, PciAddress pci, ESwitch eswitch, Adapter.Registrar registrar, EventLog log) {
    this.adapter = adapter;
    this.pci = pci;
    this.eswitch = eswitch;
    this.registrar = registrar;
    this.log = log;
  }

  /**
   * Makes the representors match the mode and the functions: one per function in switchdev mode,
   * none in legacy mode. The switch changes mode after the ports have their representors (to
   * switchdev) or before they lose them (to legacy), so a frame never finds a port without one.
   *
   * @param switchdev whether the adapter is in switchdev mode (and open)
   * @param functions the adapter's functions now
   */
  void sync(boolean switchdev, List<NicFunction> functions) {
    this.on = switchdev;
    if (!switchdev) {
      eswitch.switchdev(false);
    }
    List<NicFunction> now = switchdev ? functions : List.of();
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
        Representor rep = new Representor(pci.representor(f.representor()), f.handle(), f.port(), mac(f),
            NicFunction.DEFAULT_MTU);
        f.port().representor(rep);
        representors.put(f, registrar.registerInterface(rep));
      }
    }
    if (switchdev) {
      eswitch.switchdev(true);
    }
  }

  int size() {
    return representors.size();
  }

  /** The function port's netdev: its representor in switchdev mode, else none. */
  String netdev(NicFunction f) {
    return representors.containsKey(f) ? pci.representor(f.representor()) : null;
  }

  boolean has(String rep) {
    return byName(rep) != null;
  }

  void addRule(String rep, FlowRule rule) {
    SwitchPort port = named(rep).port();
    for (SwitchRule r : port.rules()) {
      if (r.rule().prio() == rule.prio()) {
        throw new IllegalArgumentException("prio " + rule.prio() + " is in use on " + rep + "; delete that rule first");
      }
    }
    SwitchRule compiled = new SwitchRule(rule, to -> named(to).port());
    SwitchRule[] now = Arrays.copyOf(port.rules(), port.rules().length + 1);
    now[now.length - 1] = compiled;
    Arrays.sort(now, Comparator.comparingInt(r -> r.rule().prio()));
    port.rules(now);
    log.info("adapter " + adapter + ": rule prio " + rule.prio() + " added on " + rep);
  }

  void deleteRule(String rep, int prio) {
    SwitchPort port = named(rep).port();
    SwitchRule[] now = Arrays.stream(port.rules()).filter(r -> r.rule().prio() != prio).toArray(SwitchRule[]::new);
    if (now.length == port.rules().length) {
      throw new IllegalArgumentException("there is no rule with prio " + prio + " on " + rep);
    }
    port.rules(now);
    log.info("adapter " + adapter + ": rule prio " + prio + " deleted from " + rep);
  }

  List<FlowRuleStats> rules(String rep) {
    List<FlowRuleStats> out = new ArrayList<>();
    for (SwitchRule r : named(rep).port().rules()) {
      out.add(r.stats(rep));
    }
    return out;
  }

  private NicFunction byName(String rep) {
    for (NicFunction f : representors.keySet()) {
      if (pci.representor(f.representor()).equals(rep)) {
        return f;
      }
    }
    return null;
  }

  private NicFunction named(String rep) {
    NicFunction f = byName(rep);
    if (f == null) {
      throw new IllegalArgumentException("there is no representor '" + rep + "' on " + adapter
          + (on ? "" : " (its eswitch is in legacy mode)"));
    }
    return f;
  }

  /** A port is losing its representor: its rules go, and so do other ports' rules that send to it. */
  private void dropRules(SwitchPort gone) {
    gone.rules(new SwitchRule[0]);
    for (NicFunction f : representors.keySet()) {
      SwitchPort p = f.port();
      SwitchRule[] before = p.rules();
      SwitchRule[] kept = Arrays.stream(before).filter(r -> !r.targets(gone)).toArray(SwitchRule[]::new);
      if (kept.length != before.length) {
        p.rules(kept);
        log.info("adapter " + adapter + ": " + (before.length - kept.length) + " rule(s) of "
            + pci.representor(f.representor()) + " deleted with the port they sent to");
      }
    }
  }

  /** A representor's own address: locally administered, from the adapter's name and the port index. */
  private MacAddress mac(NicFunction f) {
    long h = adapter.hashCode() & 0xffffL;
    return new MacAddress(0x02_fe_00_00_00_00L | h << 16 | (f.portIndex() & 0xffff));
  }
}
