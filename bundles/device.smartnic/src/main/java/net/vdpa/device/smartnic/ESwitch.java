package net.vdpa.device.smartnic;

import java.util.Arrays;
import java.util.function.LongSupplier;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;

/**
 * The embedded switch of an adapter. In legacy mode: a learning bridge between its ports (uplinks
 * and functions). In switchdev mode each function's frames go to its {@link Representor}, and
 * what a representor sends goes to its function. A frame's source address is learnt on the port it came in on; a frame to a
 * learnt unicast address goes out of that port only, any other (unknown, broadcast, multicast) out
 * of every other port whose link is up (flooding), as Linux's bridge does.
 *
 * <p>Threads: {@link #forward} runs on the workers of the functions, several at once, and neither
 * allocates nor locks (the FDB locks only to learn something new); ports are added and removed by
 * the control plane, which replaces the port array (copy on write).
 */
final class ESwitch {
  /** The most ports one switch has (uplinks, PF, VFs, SFs). */
  static final int MAX_PORTS = 1024;
  private static final long GROUP_BIT = 0x0100_0000_0000L;

  private final Fdb fdb;
  private final LongSupplier clock;
  /** Ports by index; null where none is. Replaced whole under {@code this}, read by workers. */
  private volatile SwitchPort[] ports = new SwitchPort[0];
  /** Switchdev mode: a function's frames go to its representor instead of through the bridge. */
  private volatile boolean switchdev;

  /**
   * An empty switch.
   *
   * @param ageingMillis how long learnt addresses are kept
   * @param clock the time in milliseconds (tests move it)
   */
  ESwitch(long ageingMillis, LongSupplier clock) {
    this.fdb = new Fdb(4096, ageingMillis);
    this.clock = clock;
  }

  /**
   * Adds a function's port (its frames come in from one worker per queue pair) at the lowest free
   * index.
   *
   * @param name its name
   * @param linkUp its link state
   * @return the port
   */
  synchronized SwitchPort add(String name, boolean linkUp) {
    return add(name, linkUp, false);
  }

  /**
   * Adds a port at the lowest free index.
   *
   * @param name its name
   * @param linkUp its link state
   * @param sharedIngress whether its frames come in from any thread (an uplink), not from one
   *     worker per queue pair (a function)
   * @return the port
   */
  synchronized SwitchPort add(String name, boolean linkUp, boolean sharedIngress) {
    SwitchPort[] now = ports;
    int i = 0;
    while (i < now.length && now[i] != null) {
      i++;
    }
    if (i == MAX_PORTS) {
      throw new IllegalStateException("the switch has " + MAX_PORTS + " ports already; " + name + " cannot be added");
    }
    SwitchPort p = new SwitchPort(i, name, linkUp, sharedIngress);
    SwitchPort[] next = Arrays.copyOf(now, Math.max(now.length, i + 1));
    next[i] = p;
    ports = next;
    return p;
  }

  /**
   * Removes a port and forgets the addresses learnt on it.
   *
   * @param p the port
   */
  synchronized void remove(SwitchPort p) {
    SwitchPort[] next = ports.clone();
    if (p.index() < next.length && next[p.index()] == p) {
      next[p.index()] = null;
      ports = next;
    }
    fdb.flush(p.index());
  }

  /**
   * Carries one frame that came in on a port (the sending function's worker; no allocation).
   *
   * <p>A port with a VLAN (access) sends and receives untagged frames of that VLAN; a port without
   * one (trunk) sends untagged frames (VLAN 0) or tagged ones (the tag's VLAN) and receives every
   * VLAN's frames, tagged. A tagged frame from an access port, or a frame from a spoof-checked port
   * whose source is not the port's own address, is dropped.
   *
   * @param in the port it came in on
   * @param senderPair the sending queue pair
   * @param frame the frame, at least an Ethernet header long
   * @return how many ports it went out of (0: dropped), or {@link SwitchPort#FULL} if the one port
   *     a unicast frame goes to is full: the sender holds it and offers it again once woken
   */
  int forward(SwitchPort in, int senderPair, Frame frame) {
    if (switchdev) {
      // the fast path: the first rule that matches carries the frame, function to function
      for (final SwitchRule r : in.rules()) {
        if (r.matches(frame)) {
          return r.apply(senderPair, frame, in.sharedIngress());
        }
      }
      // the slow path: the function's representor gets what no rule carries
      final Representor rep = in.representor();
      return rep == null ? 0 : rep.deliver(frame) == SwitchPort.TAKEN ? 1 : 0;
    }
    final long now = clock.getAsLong();
    final long dst = frame.mac(0);
    final long src = frame.mac(6);
    final SwitchPort[] all = ports;
    if (in.spoofCheck() && src != in.station()) {
      in.spoofed();
      return 0;
    }
    final int tagged = frame.vid();
    final int access = in.vlan();
    if (access != 0 && tagged >= 0) {
      return 0;
    }
    final int vlan = access != 0 ? access : Math.max(tagged, 0);
    if ((src & GROUP_BIT) == 0) {
      fdb.learn(src, vlan, in.index(), now);
    }
    if ((dst & GROUP_BIT) == 0) {
      final int out = fdb.lookup(dst, vlan, now);
      if (out >= 0 && out < all.length) {
        final SwitchPort p = all[out];
        if (p == null || p == in) {
          return 0;
        }
        final int tag = tag(access, tagged, vlan, p.vlan());
        return tag == NO_WAY ? 0 : p.send(senderPair, frame, tag, true);
      }
    }
    int sent = 0;
    for (int i = 0; i < all.length; i++) {
      final SwitchPort p = all[i];
      if (p != null && p != in && p.linkUp() && p.receiver() != null) {
        final int tag = tag(access, tagged, vlan, p.vlan());
        if (tag != NO_WAY && p.send(senderPair, frame, tag, false) == SwitchPort.TAKEN) {
          sent++;
        }
      }
    }
    return sent;
  }

  private static final int NO_WAY = Integer.MIN_VALUE;

  /**
   * What to do with a frame's tag on its way out of a port, or {@link #NO_WAY} if the frame's VLAN
   * does not go there.
   */
  private static int tag(int inAccess, int tagged, int vlan, int outAccess) {
    if (outAccess != 0) {
      // an access port takes its own VLAN, untagged
      return outAccess != vlan ? NO_WAY : tagged >= 0 ? FrameQueue.POP_TAG : FrameQueue.KEEP_TAG;
    }
    // a trunk port takes every VLAN, tagged (VLAN 0 untagged)
    return inAccess != 0 ? 0x10000 | inAccess : FrameQueue.KEEP_TAG;
  }

  /**
   * Sets a port's VLAN: the addresses learnt on it are forgotten and its own moves to the new VLAN.
   *
   * @param p the port
   * @param vlan 0 (none) to 4094
   */
  synchronized void vlan(SwitchPort p, int vlan) {
    long mac = p.station();
    if (mac != 0) {
      fdb.removeStatic(mac, p.vlan(), p.index());
    }
    fdb.flush(p.index());
    p.vlan(vlan);
    if (mac != 0) {
      fdb.addStatic(mac, vlan, p.index(), clock.getAsLong());
    }
  }

  /**
   * Moves a function's own address (a device appeared on it, its driver set another address, it
   * went away): a static FDB entry, so frames to it are never flooded.
   *
   * @param p the function's port
   * @param oldMac the address to remove, or 0
   * @param newMac the address to install, or 0
   */
  synchronized void station(SwitchPort p, long oldMac, long newMac) {
    if (oldMac != 0) {
      fdb.removeStatic(oldMac, p.vlan(), p.index());
    }
    p.station(newMac);
    if (newMac != 0) {
      fdb.addStatic(newMac, p.vlan(), p.index(), clock.getAsLong());
    }
  }

  /**
   * Wakes the senders of every port: a receiver has made room after refusing a frame (rare: a
   * sender that is not waiting finds nothing to do).
   */
  void wakeSenders() {
    final SwitchPort[] all = ports;
    for (SwitchPort p : all) {
      if (p != null) {
        final SwitchPort.Receiver r = p.receiver();
        if (r != null) {
          r.wakeSenders();
        }
      }
    }
  }

  /**
   * Switches between legacy mode (the learning bridge) and switchdev mode (representors); the
   * adapter sets every function port's representor first.
   *
   * @param on true for switchdev
   */
  void switchdev(boolean on) {
    switchdev = on;
  }

  /**
   * The forwarding database (tests and views).
   *
   * @return the FDB
   */
  Fdb fdb() {
    return fdb;
  }

  /**
   * The time the switch goes by.
   *
   * @return milliseconds
   */
  long now() {
    return clock.getAsLong();
  }
}
