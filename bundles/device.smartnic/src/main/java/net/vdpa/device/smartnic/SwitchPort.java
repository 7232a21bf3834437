package net.vdpa.device.smartnic;

import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;

/**
 * One port of the embedded switch: an uplink or a function (PF, VF, SF). A function's port hands
 * frames to the vDPA device on the function, if there is one ({@link Receiver}); an uplink with no
 * cable has its link down.
 *
 * <p>Thread-safe: the receiver and the link are volatile, set by the control plane and read per
 * frame by the workers of other functions; the drop counter is atomic (many senders).
 */
final class SwitchPort {
  /** What takes the frames the switch sends out of a port: the device on a function. */
  interface Receiver {
    /**
     * Takes one frame (copies it; any worker thread; no allocation).
     *
     * @param senderPair the sending queue pair, which picks the receiving one
     * @param frame the frame
     * @param tag what to do with its 802.1Q tag on the way ({@link FrameQueue#offer(Frame, int)})
     * @return {@link #TAKEN}, {@link #DROPPED} (the device does not receive now) or {@link #FULL}
     *     (its inbox is full; the receiver wakes the switch's senders once it has made room)
     */
    int accept(int senderPair, Frame frame, int tag);

    /** Wakes the device's workers: a receiver they were waiting for has made room. */
    default void wakeSenders() {}
  }

  /** The frame was taken. */
  static final int TAKEN = 1;
  /** The frame was dropped. */
  static final int DROPPED = 0;
  /** Not now: the receiver's inbox is full. */
  static final int FULL = -1;

  private final int index;
  private final String name;
  private final boolean sharedIngress;
  private volatile Receiver receiver;
  private volatile boolean linkUp;
  private final AtomicLong txDropped = new AtomicLong();
  private final AtomicLong spoofDropped = new AtomicLong();
  /** The port VLAN (Linux's {@code ip link set PF vf N vlan V}): 0 for none. */
  private volatile int vlan;
  /** Whether frames whose source is not the port's own address are dropped ({@code spoofchk}). */
  private volatile boolean spoofCheck;
  /** Whether the function may change its address although one was set for it ({@code trust}). */
  private volatile boolean trusted;
  /** The address of the device on the port, installed in the FDB; 0 without a device. */
  private volatile long station;
  /** In switchdev mode, the function's representor; null in legacy mode and for uplinks. */
  private volatile Representor representor;
  /** In switchdev mode, the rules on the representor's ingress, by priority; replaced whole. */
  private volatile SwitchRule[] rules = new SwitchRule[0];

  /**
   * A port with nothing behind it.
   *
   * @param index its index in the switch (the FDB's port number)
   * @param name its name, for messages
   * @param linkUp the initial link state
   * @param sharedIngress whether frames come in from any thread (an uplink: the far provider's
   *     workers), not from one worker per queue pair (a function)
   */
  SwitchPort(int index, String name, boolean linkUp, boolean sharedIngress) {
    this.index = index;
    this.name = name;
    this.sharedIngress = sharedIngress;
    this.linkUp = linkUp;
  }

  int index() {
    return index;
  }

  String name() {
    return name;
  }

  boolean sharedIngress() {
    return sharedIngress;
  }

  /**
   * Sets what receives the frames sent out of this port (a vDPA device was added on the function),
   * or null (it was deleted).
   *
   * @param r the receiver, or null
   */
  void attach(Receiver r) {
    receiver = r;
  }

  Receiver receiver() {
    return receiver;
  }

  boolean linkUp() {
    return linkUp;
  }

  void setLinkUp(boolean up) {
    linkUp = up;
  }

  /**
   * Sends a frame out of this port (the switch egress; any worker thread; no allocation).
   *
   * @param senderPair the sending queue pair
   * @param frame the frame
   * @param tag what to do with its 802.1Q tag
   * @param mayWait whether the sender can hold the frame and try again ({@link #FULL}); a flooded
   *     frame cannot, and a full receiver drops it
   * @return {@link #TAKEN}, {@link #DROPPED} (counted) or, if it may wait, {@link #FULL}
   */
  int send(int senderPair, Frame frame, int tag, boolean mayWait) {
    final Receiver r = receiver;
    final int c = r != null && linkUp ? r.accept(senderPair, frame, tag) : DROPPED;
    if (c == TAKEN || (c == FULL && mayWait)) {
      return c;
    }
    txDropped.incrementAndGet();
    return DROPPED;
  }

  /**
   * Frames the switch could not send out of this port (no device, link down, inbox full).
   *
   * @return the count
   */
  long txDropped() {
    return txDropped.get();
  }

  /** Counts a frame dropped by the spoof check (the sender's worker). */
  void spoofed() {
    spoofDropped.incrementAndGet();
  }

  /**
   * Frames dropped because their source was not the port's address.
   *
   * @return the count
   */
  long spoofDropped() {
    return spoofDropped.get();
  }

  int vlan() {
    return vlan;
  }

  /** Set by the switch only, which moves the FDB entries with it. */
  void vlan(int v) {
    vlan = v;
  }

  boolean spoofCheck() {
    return spoofCheck;
  }

  void spoofCheck(boolean on) {
    spoofCheck = on;
  }

  boolean trusted() {
    return trusted;
  }

  void trusted(boolean on) {
    trusted = on;
  }

  long station() {
    return station;
  }

  Representor representor() {
    return representor;
  }

  /** Set by the adapter when the switch changes mode. */
  void representor(Representor r) {
    representor = r;
  }

  SwitchRule[] rules() {
    return rules;
  }

  /** Set by the adapter (its lock), ordered by priority. */
  void rules(SwitchRule[] r) {
    rules = r;
  }

  /** Set by the switch only, with the FDB entry. */
  void station(long mac) {
    station = mac;
  }
}
