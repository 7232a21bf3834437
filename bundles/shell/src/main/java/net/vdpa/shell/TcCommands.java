package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.devlink.Devlink;
import net.vdpa.api.devlink.FlowAction;
import net.vdpa.api.devlink.FlowRule;
import net.vdpa.api.devlink.FlowRuleStats;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tc filter} on SmartNIC representors in switchdev mode, typed as in Linux: flower rules on a
 * representor's ingress that carry its function's frames to other functions (the fast path), with
 * per-rule counters under {@code -s}. The rules live in the {@link Devlink} service that owns the
 * representor; they are not kept across a restart, as tc's are not.
 */
@Component(service = TcCommands.class, property = {"osgi.command.scope=iproute2", "osgi.command.function=tc"})
public final class TcCommands {
  static final String USAGE = String.join("\n",
      "Usage: tc [ -s ] filter add dev REP ingress [ prio N ] [ protocol PROTO ] flower [ dst_mac MAC ] [ src_mac MAC ]",
      "                        [ vlan_id VID ] [ vlan_ethtype PROTO ] action ACTION [ action ACTION ... ]",
      "       tc filter del dev REP ingress [ prio N ]",
      "       tc [ -s ] filter show dev REP ingress",
      "where  ACTION := { drop | mirred egress { redirect | mirror } dev REP | vlan push id VID | vlan pop }");

  private final DevlinkCommands devlink;

  /**
   * The tc command over the devlink services the {@code devlink:} commands track.
   *
   * @param devlink the {@code devlink:} commands
   */
  @Activate
  public TcCommands(@Reference DevlinkCommands devlink) {
    this.devlink = devlink;
  }

  /**
   * {@code tc [-s] filter {add | del | show} dev REP ingress ...}.
   *
   * @param argv the command line after {@code tc}
   * @return the output
   */
  @Descriptor("tc flower rules on SmartNIC representors (switchdev mode): tc filter add dev REP ingress [prio N] "
      + "flower [dst_mac M] [src_mac M] [vlan_id V] action {drop | mirred egress redirect|mirror dev REP | vlan push id V"
      + " | vlan pop}; tc filter del dev REP ingress [prio N]; tc -s filter show dev REP ingress; 'tc help'")
  public String tc(@Descriptor("[ -s ] filter COMMAND dev REP ingress ...") String... argv) {
    return ShellError.guard(() -> run(argv));
  }

  private String run(String[] argv) {
    boolean stats = false;
    int i = 0;
    for (; i < argv.length && argv[i].startsWith("-"); i++) {
      switch (argv[i]) {
        case "-s", "-stats", "-statistics" -> stats = true;
        case "-h", "-help", "--help" -> {
          return USAGE;
        }
        default -> throw new IllegalArgumentException("Option \"" + argv[i] + "\" is unknown, try \"tc help\".");
      }
    }
    if (i == argv.length || "help".startsWith(argv[i])) {
      return USAGE;
    }
    if (!"filter".startsWith(argv[i]) || argv[i].length() < 1) {
      throw new IllegalArgumentException("Object \"" + argv[i] + "\" is unknown, try \"tc help\" (this runtime has filter)");
    }
    List<String> rest = List.of(argv).subList(i + 1, argv.length);
    String cmd = rest.isEmpty() ? "show" : rest.get(0);
    if (!rest.isEmpty() && !rest.get(0).equals("add") && !rest.get(0).equals("del") && !rest.get(0).equals("delete")
        && !"show".startsWith(rest.get(0)) && !"list".startsWith(rest.get(0))) {
      throw new IllegalArgumentException("Command \"" + rest.get(0) + "\" is unknown, try \"tc filter help\".");
    }
    if (rest.size() < 4 || !rest.get(1).equals("dev") || !rest.get(3).equals("ingress")) {
      throw new IllegalArgumentException("tc: give the representor and its ingress: tc filter " + cmd
          + " dev REP ingress ...");
    }
    String rep = rest.get(2);
    Devlink d = owner(rep);
    List<String> more = rest.subList(4, rest.size());
    switch (cmd) {
      case "add" -> {
        d.addRule(rep, TcParse.rule(more, nextPrio(d.rules(rep))));
        return null;
      }
      case "del", "delete" -> {
        if (more.isEmpty()) {
          for (FlowRuleStats r : d.rules(rep)) {
            d.deleteRule(rep, r.rule().prio());
          }
          return null;
        }
        if (more.size() != 2 || !(more.get(0).equals("prio") || more.get(0).equals("pref"))) {
          throw new IllegalArgumentException("usage: tc filter del dev REP ingress [ prio N ]");
        }
        d.deleteRule(rep, TcParse.number(more.get(1), "prio", 1, 65535));
        return null;
      }
      default -> {
        if (!more.isEmpty()) {
          throw new IllegalArgumentException("usage: tc [ -s ] filter show dev REP ingress");
        }
        return show(d.rules(rep), stats);
      }
    }
  }

  /** tc's automatic priority: below the lowest in use (49152 when there is none), as the kernel picks. */
  private static int nextPrio(List<FlowRuleStats> rules) {
    int min = 49153;
    for (FlowRuleStats r : rules) {
      min = Math.min(min, r.rule().prio());
    }
    return Math.max(1, min - 1);
  }

  private Devlink owner(String rep) {
    for (Devlink d : devlink.present()) {
      if (d.hasRepresentor(rep)) {
        return d;
      }
    }
    throw new IllegalArgumentException("Cannot find device \"" + rep + "\" (a representor exists in switchdev mode)");
  }

  /** The rules as tc prints them (flower, one block per rule; {@code -s} adds what each carried). */
  static String show(List<FlowRuleStats> rules, boolean stats) {
    List<String> out = new ArrayList<>();
    for (FlowRuleStats s : rules) {
      FlowRule r = s.rule();
      Integer eth = r.match().ethType();
      String proto = eth == null ? (r.match().vlanId() != null ? "802.1Q" : "all") : ethName(eth);
      out.add("filter protocol " + proto + " pref " + r.prio() + " flower chain 0 handle 0x1");
      if (r.match().vlanId() != null) {
        out.add("  vlan_id " + r.match().vlanId());
      }
      if (r.match().dstMac() != null) {
        out.add("  dst_mac " + r.match().dstMac());
      }
      if (r.match().srcMac() != null) {
        out.add("  src_mac " + r.match().srcMac());
      }
      out.add("  in_hw in_hw_count 1");
      int order = 1;
      for (FlowAction a : r.actions()) {
        out.add("\taction order " + order++ + ": " + action(a));
      }
      if (stats) {
        out.add("\tSent " + s.bytes() + " bytes " + s.packets() + " pkt");
      }
    }
    return String.join("\n", out);
  }

  private static String ethName(int t) {
    return switch (t) {
      case 0x0800 -> "ip";
      case 0x86dd -> "ipv6";
      case 0x0806 -> "arp";
      default -> String.format("0x%04x", t);
    };
  }

  private static String action(FlowAction a) {
    if (a instanceof FlowAction.Redirect r) {
      return "mirred (Egress Redirect to device " + r.dev() + ") stolen";
    }
    if (a instanceof FlowAction.Mirror m) {
      return "mirred (Egress Mirror to device " + m.dev() + ") pipe";
    }
    if (a instanceof FlowAction.VlanPush p) {
      return "vlan  push id " + p.vid() + " protocol 802.1Q priority 0 pipe";
    }
    if (a instanceof FlowAction.VlanPop) {
      return "vlan  pop pipe";
    }
    return "gact action drop";
  }
}
