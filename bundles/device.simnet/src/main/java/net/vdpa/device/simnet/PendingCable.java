package net.vdpa.device.simnet;

import net.vdpa.device.core.net.Frame;

/**
 * A cable whose other end is absent (its device not created yet, or gone for a while): frames sent
 * into it are dropped and counted, like a cable with nothing plugged in at the far end. The port
 * board replaces it with a {@link Cable} when the peer appears.
 */
final class PendingCable implements Wire {
  private final String peer;

  /**
   * A cable waiting for a device.
   *
   * @param peer the absent device's name
   */
  PendingCable(String peer) {
    this.peer = peer;
  }

  /**
   * The device this cable waits for.
   *
   * @return its name
   */
  String peer() {
    return peer;
  }

  @Override
  public Carry transmit(Port from, QueuePairWorker worker, Frame frame) {
    return Carry.DROPPED;
  }

  @Override
  public String describe(Port self) {
    return "cable " + peer + " (waiting for " + peer + ")";
  }
}
