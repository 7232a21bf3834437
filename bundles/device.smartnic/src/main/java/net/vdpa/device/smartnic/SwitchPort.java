package net.vdpa.device.smartnic;

import java.util.concurrent.atomic.AtomicLong;

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
     * @return false if it was not taken (the device does not receive now, or its inbox is full)
     */
    boolean accept(int senderPair, Frame frame);
  }

  private final int index;
  private final String name;
  private volatile Receiver receiver;
  private volatile boolean linkUp;
  private final AtomicLong txDropped = new AtomicLong();

  /**
   * A port with nothing behind it.
   *
   * @param index its index in the switch (the FDB's port number)
   * @param name its name, for messages
   * @param linkUp the initial link state
   */
  SwitchPort(int index, String name, boolean linkUp) {
    this.index = index;
    this.name = name;
    this.linkUp = linkUp;
  }

  int index() {
    return index;
  }

  String name() {
    return name;
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
   * @return true if the receiver took it; a frame not taken is counted as dropped
   */
  boolean send(int senderPair, Frame frame) {
    final Receiver r = receiver;
    if (r != null && linkUp && r.accept(senderPair, frame)) {
      return true;
    }
    txDropped.incrementAndGet();
    return false;
  }

  /**
   * Frames the switch could not send out of this port (no device, link down, inbox full).
   *
   * @return the count
   */
  long txDropped() {
    return txDropped.get();
  }
}
