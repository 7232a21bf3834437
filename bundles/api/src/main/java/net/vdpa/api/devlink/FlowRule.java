package net.vdpa.api.devlink;

import java.util.List;

/**
 * One switchdev rule on a representor's ingress (tc {@code filter add dev REP ingress prio N flower
 * MATCH action ...}): frames the representor's function sends that match go where the actions say,
 * function to function, without reaching the representor (the fast path); frames no rule matches
 * reach the representor (the slow path). Rules are tried in priority order, lowest first.
 *
 * @param prio the priority, 1 to 65535, unique per representor
 * @param match what the rule matches
 * @param actions at least one; {@link FlowAction.Redirect} or {@link FlowAction.Drop} only last
 */
public record FlowRule(int prio, FlowMatch match, List<FlowAction> actions) {
  /** Checks the rule; the message names what is wrong. */
  public FlowRule {
    if (prio < 1 || prio > 65535) {
      throw new IllegalArgumentException("prio " + prio + " is outside 1..65535");
    }
    if (match == null) {
      throw new IllegalArgumentException("a rule needs a match (FlowMatch.ANY for every frame)");
    }
    actions = List.copyOf(actions);
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a rule needs at least one action");
    }
    for (int i = 0; i < actions.size() - 1; i++) {
      FlowAction a = actions.get(i);
      if (a instanceof FlowAction.Redirect || a instanceof FlowAction.Drop) {
        throw new IllegalArgumentException("action " + (i + 1) + " (" + word(a) + ") must be the last");
      }
    }
  }

  /**
   * The action as tc names it.
   *
   * @param a an action
   * @return {@code redirect}, {@code mirror}, {@code drop}, {@code vlan push} or {@code vlan pop}
   */
  public static String word(FlowAction a) {
    if (a instanceof FlowAction.Redirect) {
      return "redirect";
    }
    if (a instanceof FlowAction.Mirror) {
      return "mirror";
    }
    if (a instanceof FlowAction.Drop) {
      return "drop";
    }
    return a instanceof FlowAction.VlanPush ? "vlan push" : "vlan pop";
  }
}
