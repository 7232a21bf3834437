package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import net.vdpa.api.devlink.FlowAction;
import net.vdpa.api.devlink.FlowRule;
import net.vdpa.api.devlink.FlowRuleStats;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;

/**
 * A switchdev rule compiled for the datapath: the match as plain values (-1 for any), the actions as
 * the ports they send to with the 802.1Q change in force for each, and the hit counters.
 *
 * <p>Immutable but for the counters; {@link #matches} and {@link #apply} run on the sending
 * function's worker, several at once, and allocate nothing.
 */
final class SwitchRule {
  private static final int NONE = -1;
  private static final int VLAN_PUSH = 0x10000;

  private final FlowRule rule;
  private final long dst;
  private final long src;
  private final int vlan;
  private final int ethType;
  private final SwitchPort[] mirrors;
  private final int[] mirrorTags;
  private final SwitchPort redirect;
  private final int redirectTag;
  /** Whether an action pops a tag. */
  private final boolean pops;
  /**
   * Hits and bytes, one cache line per sending queue pair ({@link #STRIDE} longs): a function's pair
   * has one worker, the only writer of its line, which then counts with plain ordered writes instead
   * of a locked add per frame; an uplink's frames come from any thread and are added atomically.
   */
  private final AtomicLongArray counts = new AtomicLongArray(FunctionSpec.MAX_VQP * STRIDE);
  private static final int STRIDE = 8;

  /**
   * Compiles a rule.
   *
   * @param rule the rule
   * @param portOf the switch port behind a representor name; throws naming a name it does not know
   */
  SwitchRule(FlowRule rule, Function<String, SwitchPort> portOf) {
    this.rule = rule;
    this.dst = rule.match().dstMac() == null ? NONE : rule.match().dstMac().value();
    this.src = rule.match().srcMac() == null ? NONE : rule.match().srcMac().value();
    this.vlan = rule.match().vlanId() == null ? NONE : rule.match().vlanId();
    this.ethType = rule.match().ethType() == null ? NONE : rule.match().ethType();
    List<SwitchPort> m = new ArrayList<>();
    List<Integer> mt = new ArrayList<>();
    SwitchPort r = null;
    int rt = FrameQueue.KEEP_TAG;
    int tag = FrameQueue.KEEP_TAG;
    for (FlowAction a : rule.actions()) {
      if (a instanceof FlowAction.VlanPush p) {
        tag = VLAN_PUSH | p.vid();
      } else if (a instanceof FlowAction.VlanPop) {
        tag = FrameQueue.POP_TAG;
      } else if (a instanceof FlowAction.Mirror mirror) {
        m.add(portOf.apply(mirror.dev()));
        mt.add(tag);
      } else if (a instanceof FlowAction.Redirect to) {
        r = portOf.apply(to.dev());
        rt = tag;
      }
    }
    this.mirrors = m.toArray(new SwitchPort[0]);
    this.mirrorTags = mt.stream().mapToInt(Integer::intValue).toArray();
    this.redirect = r;
    this.redirectTag = rt;
    this.pops = rt == FrameQueue.POP_TAG || mt.contains(FrameQueue.POP_TAG);
  }

  FlowRule rule() {
    return rule;
  }

  /** Whether the rule sends to the port (which is going away). */
  boolean targets(SwitchPort p) {
    if (redirect == p) {
      return true;
    }
    for (SwitchPort m : mirrors) {
      if (m == p) {
        return true;
      }
    }
    return false;
  }

  FlowRuleStats stats(String dev) {
    long packets = 0;
    long bytes = 0;
    for (int i = 0; i < counts.length(); i += STRIDE) {
      packets += counts.get(i);
      bytes += counts.get(i + 1);
    }
    return new FlowRuleStats(dev, rule, packets, bytes);
  }

  /**
   * Whether a frame matches.
   *
   * @param f the frame, at least an Ethernet header long
   * @return true if every field given matches
   */
  boolean matches(Frame f) {
    if (dst != NONE && f.mac(0) != dst) {
      return false;
    }
    if (src != NONE && f.mac(6) != src) {
      return false;
    }
    if (vlan == NONE && ethType == NONE) {
      return true;
    }
    final int vid = f.vid();
    if (vlan != NONE && vid != vlan) {
      return false;
    }
    if (ethType != NONE) {
      final int at = vid >= 0 ? 16 : 12;
      return (f.u8(at) << 8 | f.u8(at + 1)) == ethType;
    }
    return true;
  }

  /**
   * Carries a matched frame as the actions say.
   *
   * @param senderPair the sending queue pair
   * @param f the frame
   * @param sharedIngress whether frames come in from any thread (an uplink), not from one worker per
   *     pair (a function)
   * @return ports it went out of, or {@link SwitchPort#FULL}: the redirect's receiver is full and the
   *     sender offers the frame again later (nothing was sent or counted)
   */
  int apply(int senderPair, Frame f, boolean sharedIngress) {
    // only a pop asks whether the frame is tagged (a pop of an untagged frame leaves it as it is)
    final boolean tagged = pops && f.vid() >= 0;
    int sent = 0;
    if (redirect != null) {
      final int c = redirect.send(senderPair, f, tagFor(redirectTag, tagged), true);
      if (c == SwitchPort.FULL) {
        return SwitchPort.FULL;
      }
      sent += c == SwitchPort.TAKEN ? 1 : 0;
    }
    for (int i = 0; i < mirrors.length; i++) {
      sent += mirrors[i].send(senderPair, f, tagFor(mirrorTags[i], tagged), false) == SwitchPort.TAKEN ? 1 : 0;
    }
    final int at = (senderPair & (FunctionSpec.MAX_VQP - 1)) * STRIDE;
    if (sharedIngress) {
      counts.getAndIncrement(at);
      counts.getAndAdd(at + 1, f.length());
    } else {
      // the pair's worker is the only writer: a release store, read whole by stats()
      counts.lazySet(at, counts.get(at) + 1);
      counts.lazySet(at + 1, counts.get(at + 1) + f.length());
    }
    return sent;
  }

  /** A pop of an untagged frame leaves it as it is. */
  private static int tagFor(int tag, boolean tagged) {
    return tag == FrameQueue.POP_TAG && !tagged ? FrameQueue.KEEP_TAG : tag;
  }
}
