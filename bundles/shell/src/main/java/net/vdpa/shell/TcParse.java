package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.FlowAction;
import net.vdpa.api.devlink.FlowMatch;
import net.vdpa.api.devlink.FlowRule;

/**
 * Reads tc's words for a flower rule on a representor: {@code [prio|pref N] [protocol P] flower
 * [dst_mac M] [src_mac M] [vlan_id N] [vlan_ethtype T] action A [action A ...]}, where an action is
 * {@code drop}, {@code mirred egress redirect|mirror dev REP}, {@code vlan push id N} or
 * {@code vlan pop}. {@code protocol ip|ipv6|arp|0xNNNN} matches that EtherType, {@code all} and
 * {@code 802.1q} none (with {@code 802.1q}, {@code vlan_ethtype} gives the inner one).
 */
final class TcParse {
  private final List<String> w;
  private int i;

  private TcParse(List<String> words) {
    this.w = words;
  }

  /**
   * The rule the words describe.
   *
   * @param words the words after {@code ingress}
   * @param defaultPrio the priority when none is given (tc picks one below the others)
   * @return the rule
   * @throws IllegalArgumentException naming the word that is wrong
   */
  static FlowRule rule(List<String> words, int defaultPrio) {
    return new TcParse(words).parse(defaultPrio);
  }

  private String next(String what) {
    if (i >= w.size()) {
      throw new IllegalArgumentException("tc: " + what + " is missing");
    }
    return w.get(i++);
  }

  private FlowRule parse(int defaultPrio) {
    int prio = defaultPrio;
    Integer ethType = null;
    while (i < w.size() && !w.get(i).equals("flower")) {
      String k = next("a word");
      switch (k) {
        case "prio", "pref", "priority", "preference" -> prio = number(next("prio's value"), "prio", 1, 65535);
        case "protocol" -> ethType = protocol(next("protocol's value"));
        default -> throw new IllegalArgumentException("tc: '" + k + "' is not understood here (expected prio, protocol "
            + "or flower)");
      }
    }
    if (i == w.size()) {
      throw new IllegalArgumentException("tc: only the flower classifier is supported: add 'flower'");
    }
    i++; // flower
    MacAddress dst = null;
    MacAddress src = null;
    Integer vlan = null;
    while (i < w.size() && !w.get(i).equals("action")) {
      String k = next("a match");
      switch (k) {
        case "dst_mac" -> dst = MacAddress.parse(next("dst_mac's address"));
        case "src_mac" -> src = MacAddress.parse(next("src_mac's address"));
        case "vlan_id" -> vlan = number(next("vlan_id's value"), "vlan_id", 0, 4095);
        case "vlan_ethtype" -> ethType = protocol(next("vlan_ethtype's value"));
        case "skip_sw", "skip_hw" -> {
          // every rule is carried by the switch, which is this runtime's hardware and software at once
        }
        default -> throw new IllegalArgumentException("tc: flower match '" + k + "' is not supported (dst_mac, "
            + "src_mac, vlan_id, vlan_ethtype)");
      }
    }
    List<FlowAction> actions = new ArrayList<>();
    while (i < w.size()) {
      String k = next("action");
      if (!k.equals("action")) {
        throw new IllegalArgumentException("tc: '" + k + "' where 'action' was expected");
      }
      actions.add(action());
    }
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("tc: a rule needs an action (drop, mirred, vlan)");
    }
    return new FlowRule(prio, new FlowMatch(dst, src, vlan, ethType), actions);
  }

  private FlowAction action() {
    String kind = next("the action's kind");
    switch (kind) {
      case "drop":
        return new FlowAction.Drop();
      case "mirred": {
        String dir = next("mirred's direction");
        if (!dir.equals("egress")) {
          throw new IllegalArgumentException("tc: mirred direction '" + dir + "' is not supported (egress)");
        }
        String how = next("mirred's redirect or mirror");
        expect("dev");
        String dev = next("mirred's device");
        return switch (how) {
          case "redirect" -> new FlowAction.Redirect(dev);
          case "mirror" -> new FlowAction.Mirror(dev);
          default -> throw new IllegalArgumentException("tc: mirred '" + how + "' is not redirect or mirror");
        };
      }
      case "vlan": {
        String op = next("vlan's push or pop");
        if (op.equals("pop")) {
          return new FlowAction.VlanPop();
        }
        if (!op.equals("push")) {
          throw new IllegalArgumentException("tc: vlan '" + op + "' is not push or pop");
        }
        expect("id");
        return new FlowAction.VlanPush(number(next("vlan push's id"), "vlan push id", 1, 4094));
      }
      default:
        throw new IllegalArgumentException("tc: action '" + kind + "' is not supported (drop, mirred, vlan)");
    }
  }

  private void expect(String word) {
    String got = next("'" + word + "'");
    if (!got.equals(word)) {
      throw new IllegalArgumentException("tc: '" + got + "' where '" + word + "' was expected");
    }
  }

  /** An EtherType by tc's name or number; null for {@code all} and {@code 802.1q}. */
  private static Integer protocol(String p) {
    return switch (p) {
      case "all", "802.1q", "802.1Q" -> null;
      case "ip" -> 0x0800;
      case "ipv6" -> 0x86dd;
      case "arp" -> 0x0806;
      default -> {
        if (!p.startsWith("0x")) {
          throw new IllegalArgumentException("tc: protocol '" + p + "' is not all, 802.1q, ip, ipv6, arp or 0xNNNN");
        }
        yield number(p, "protocol", 0x0600, 0xffff);
      }
    };
  }

  static int number(String v, String what, int min, int max) {
    int n;
    try {
      n = v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("tc: " + what + " '" + v + "' is not a number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("tc: " + what + " " + v + " is outside " + min + ".." + max);
    }
    return n;
  }
}
