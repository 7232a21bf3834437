package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.FlowRule;
import net.vdpa.api.devlink.FlowRuleStats;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.NetStats;
import net.vdpa.api.port.PortCounters;

/**
 * An adapter's switchdev side: a {@link Representor} per function and per uplink (the uplink
 * representor, the PF's netdev as mlx5 has it), registered as a network interface, and the tc
 * flower rules on the representors' ingress, compiled into the ports' {@link SwitchRule}s the
 * switch runs. Frames that come in on an uplink and match no rule go to the uplink representor;
 * what is sent on it leaves through the uplink.
 *
 * <p>Guarded by the adapter's lock (every method is called holding it); the datapath reads only
 * the ports' volatile representor and rules.
 */
final class Switchdev {
  /**
   * A port that has a representor in switchdev mode.
   *
   * @param port its switch port
   * @param netdev the representor's interface name
   * @param device what the representor stands for (the function's management device, or the
   *     adapter for an uplink)
   * @param index the devlink port index (the representor's address is made from it)
   */
  record Spec(SwitchPort port, String netdev, String device, int index) {}

  /** A representor as registered. */
  private record Rep(Spec spec, Representor rep, Runnable withdraw) {}

  private final String adapter;
  private final ESwitch eswitch;
  private final Registrar registrar;
  private final EventLog log;
  /** The representors, by switch port, in creation order. */
  private final Map<SwitchPort, Rep> representors = new LinkedHashMap<>();
  private boolean on;

  Switchdev(String adapter, ESwitch eswitch, Registrar registrar, EventLog log) {
    this.adapter = adapter;
    this.eswitch = eswitch;
    this.registrar = registrar;
    this.log = log;
  }

  /**
   * Makes the representors match the mode and the ports: one per port in switchdev mode, none in
   * legacy mode. The switch changes mode after the ports have their representors (to switchdev)
   * or before they lose them (to legacy), so a frame never finds a port without one.
   *
   * @param switchdev whether the adapter is in switchdev mode (and open)
   * @param ports the ports that have a representor in switchdev mode (uplinks and functions) now
   */
  void sync(boolean switchdev, List<Spec> ports) {
    this.on = switchdev;
    if (!switchdev) {
      eswitch.switchdev(false);
    }
    List<Spec> now = switchdev ? ports : List.of();
    List<SwitchPort> wanted = now.stream().map(Spec::port).toList();
    for (var it = representors.values().iterator(); it.hasNext();) {
      Rep r = it.next();
      SwitchPort p = r.spec().port();
      if (!wanted.contains(p)) {
        dropRules(p);
        p.representor(null);
        r.withdraw().run();
        r.rep().close();
        it.remove();
      }
    }
    for (Spec sp : now) {
      if (!representors.containsKey(sp.port())) {
        Representor rep = new Representor(sp.netdev(), sp.device(), sp.port(), mac(sp.index()),
            NicFunction.DEFAULT_MTU);
        sp.port().representor(rep);
        representors.put(sp.port(), new Rep(sp, rep, registrar.registerInterface(rep)));
      }
    }
    if (switchdev) {
      eswitch.switchdev(true);
    }
  }

  int size() {
    return representors.size();
  }

  /** A port's netdev: its representor in switchdev mode, else none. */
  String netdev(SwitchPort p) {
    Rep r = representors.get(p);
    return r == null ? null : r.spec().netdev();
  }

  /**
   * What a port's representor carried.
   *
   * @param p the port
   * @return its counters, or empty if the port has no representor (legacy mode)
   */
  Optional<PortCounters> counters(SwitchPort p) {
    Rep r = representors.get(p);
    if (r == null) {
      return Optional.empty();
    }
    NetStats s = r.rep().stats();
    return Optional.of(new PortCounters(s.rxPackets(), s.rxBytes(), s.rxDropped(), s.txPackets(), s.txBytes(),
        s.txDropped()));
  }

  boolean has(String rep) {
    return byName(rep) != null;
  }

  void addRule(String rep, FlowRule rule) {
    SwitchPort port = named(rep);
    for (SwitchRule r : port.rules()) {
      if (r.rule().prio() == rule.prio()) {
        throw new IllegalArgumentException("prio " + rule.prio() + " is in use on " + rep + "; delete that rule first");
      }
    }
    SwitchRule compiled = new SwitchRule(rule, to -> named(to));
    SwitchRule[] now = Arrays.copyOf(port.rules(), port.rules().length + 1);
    now[now.length - 1] = compiled;
    Arrays.sort(now, Comparator.comparingInt(r -> r.rule().prio()));
    port.rules(now);
    log.info("adapter " + adapter + ": rule prio " + rule.prio() + " added on " + rep);
  }

  void deleteRule(String rep, int prio) {
    SwitchPort port = named(rep);
    SwitchRule[] now = Arrays.stream(port.rules()).filter(r -> r.rule().prio() != prio).toArray(SwitchRule[]::new);
    if (now.length == port.rules().length) {
      throw new IllegalArgumentException("there is no rule with prio " + prio + " on " + rep);
    }
    port.rules(now);
    log.info("adapter " + adapter + ": rule prio " + prio + " deleted from " + rep);
  }

  List<FlowRuleStats> rules(String rep) {
    List<FlowRuleStats> out = new ArrayList<>();
    for (SwitchRule r : named(rep).rules()) {
      out.add(r.stats(rep));
    }
    return out;
  }

  private Rep byName(String rep) {
    for (Rep r : representors.values()) {
      if (r.spec().netdev().equals(rep)) {
        return r;
      }
    }
    return null;
  }

  private SwitchPort named(String rep) {
    Rep f = byName(rep);
    if (f == null) {
      throw new IllegalArgumentException("there is no representor '" + rep + "' on " + adapter
          + (on ? "" : " (its eswitch is in legacy mode)"));
    }
    return f.spec().port();
  }

  /** A port is losing its representor: its rules go, and so do other ports' rules that send to it. */
  private void dropRules(SwitchPort gone) {
    gone.rules(new SwitchRule[0]);
    for (Rep owner : representors.values()) {
      SwitchPort p = owner.spec().port();
      SwitchRule[] before = p.rules();
      SwitchRule[] kept = Arrays.stream(before).filter(r -> !r.targets(gone)).toArray(SwitchRule[]::new);
      if (kept.length != before.length) {
        p.rules(kept);
        log.info("adapter " + adapter + ": " + (before.length - kept.length) + " rule(s) of "
            + owner.spec().netdev() + " deleted with the port they sent to");
      }
    }
  }

  /** A representor's own address: locally administered, from the adapter's name and the port index. */
  private MacAddress mac(int index) {
    long h = adapter.hashCode() & 0xffffL;
    return new MacAddress(0x02_fe_00_00_00_00L | h << 16 | (index & 0xffff));
  }
}
