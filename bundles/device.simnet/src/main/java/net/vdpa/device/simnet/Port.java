package net.vdpa.device.simnet;

import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;

/**
 * The one Ethernet port of a simulated NIC: the wire it is plugged into, its link state, and, once
 * a cable has been plugged, one {@link FrameQueue} per queue pair for frames arriving from the
 * other end.
 *
 * <p>Thread-safe: the wire and the inboxes are volatile, replaced by the control plane
 * ({@link SimNetPortBoard}) and read by workers per frame.
 */
final class Port {
  /** What the port's device offers a wire. */
  interface Owner {
    /**
     * The device name.
     *
     * @return the name
     */
    String name();

    /**
     * The queue pair that receives frames sent by a peer's queue pair, or -1 if the device does
     * not receive now (not running, queue not ready).
     *
     * @param peerPair the sending queue pair
     * @return the receiving queue pair, or -1
     */
    int receivingPair(int peerPair);

    /**
     * Wakes a queue pair's worker: frames are waiting in its inbox.
     *
     * @param pair the queue pair
     */
    void wake(int pair);

    /**
     * The number of queue pairs.
     *
     * @return max_virtqueue_pairs
     */
    int maxPairs();

    /**
     * The largest frame the device carries.
     *
     * @return bytes
     */
    int maxFrame();
  }

  private final Owner owner;
  private volatile Wire wire = new Loopback();
  private volatile boolean linkUp = true;
  private volatile FrameQueue[] inboxes;

  /**
   * A port in loopback with the link up.
   *
   * @param owner its device
   */
  Port(Owner owner) {
    this.owner = owner;
  }

  /**
   * The device name.
   *
   * @return the name
   */
  String name() {
    return owner.name();
  }

  /**
   * The largest frame the device carries.
   *
   * @return bytes
   */
  int maxFrame() {
    return owner.maxFrame();
  }

  /**
   * The wire now plugged in.
   *
   * @return the wire
   */
  Wire wire() {
    return wire;
  }

  /**
   * Plugs a wire in (control plane; the caller unplugs the old one).
   *
   * @param w the new wire
   * @return the old wire
   */
  Wire plug(Wire w) {
    Wire old = wire;
    if (w.delivers()) {
      ensureInboxes();
    }
    wire = w;
    return old;
  }

  /** Makes the inboxes a delivering wire needs (before its first frame can arrive). */
  synchronized void ensureInboxes() {
    if (inboxes != null) {
      return;
    }
    int slot = owner.maxFrame();
    int capacity = Math.max(16, Math.min(256, Integer.highestOneBit((1 << 20) / slot)));
    FrameQueue[] qs = new FrameQueue[owner.maxPairs()];
    for (int i = 0; i < qs.length; i++) {
      qs[i] = new FrameQueue(capacity, slot);
    }
    inboxes = qs;
  }

  /**
   * The inbox of a queue pair.
   *
   * @param pair the queue pair
   * @return its frame queue, or null if no cable was ever plugged
   */
  FrameQueue inbox(int pair) {
    final FrameQueue[] q = inboxes;
    return q == null ? null : q[pair];
  }

  /**
   * Takes a frame from the other end of a cable (the peer's worker thread).
   *
   * @param peerPair the sending queue pair
   * @param frame the frame
   * @return {@link Carry#TAKEN}; {@link Carry#DROPPED} if the link is down or the device does not
   *     receive; {@link Carry#FULL} if the receiving pair's inbox is full (the sender is woken once
   *     this port's worker has made room)
   */
  Carry acceptFromWire(int peerPair, Frame frame) {
    final FrameQueue[] q = inboxes;
    if (q == null || !linkUp) {
      return Carry.DROPPED;
    }
    final int pair = owner.receivingPair(peerPair);
    if (pair < 0 || frame.length() > q[pair].slotSize()) {
      return Carry.DROPPED;
    }
    final FrameQueue in = q[pair];
    if (!in.offer(frame)) {
      // tell the consumer a sender waits, then look again: a slot freed between the failed offer
      // and the mark would otherwise wake nobody (the consumer reads the mark after freeing)
      in.markBlocked();
      if (!in.offer(frame)) {
        owner.wake(pair);
        return Carry.FULL;
      }
    }
    owner.wake(pair);
    return Carry.TAKEN;
  }

  /**
   * Whether the port's device receives now (its pair 0 has a receive queue).
   *
   * @return true if a worker reads for it
   */
  boolean receiving() {
    return owner.receivingPair(0) >= 0;
  }

  /**
   * Wakes one queue pair's worker: something it polls has arrived.
   *
   * @param pair the queue pair
   */
  void wakePair(int pair) {
    owner.wake(pair);
  }

  /** Wakes every queue pair worker of this port's device: a cable's far end has made room. */
  void wakeSenders() {
    final int n = owner.maxPairs();
    for (int p = 0; p < n; p++) {
      owner.wake(p);
    }
  }

  /**
   * The link state.
   *
   * @return true if up
   */
  boolean linkUp() {
    return linkUp;
  }

  /**
   * Sets the link state (the device also updates its config space).
   *
   * @param up the state
   */
  void setLinkUp(boolean up) {
    linkUp = up;
  }
}
