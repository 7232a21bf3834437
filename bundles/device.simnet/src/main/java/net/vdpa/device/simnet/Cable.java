package net.vdpa.device.simnet;

import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;

/**
 * A cable between two ports: what one transmits, the other receives. The frame is copied into a
 * slot of the receiving queue pair's {@link FrameQueue} and that pair's worker is woken. A full
 * inbox answers {@link Carry#FULL}: the sender holds the frame and is woken when the receiver has
 * drained some, so a cable loses no frame to a slow receiver.
 */
final class Cable implements Wire {
  private final Port a;
  private final Port b;

  /**
   * Joins two ports.
   *
   * @param a one port
   * @param b the other
   */
  Cable(Port a, Port b) {
    this.a = a;
    this.b = b;
  }

  /**
   * The port at the other end.
   *
   * @param self one end
   * @return the other end
   */
  Port peer(Port self) {
    return self == a ? b : a;
  }

  @Override
  public Carry transmit(Port from, QueuePairWorker worker, Frame frame) {
    return peer(from).acceptFromWire(worker.pair(), frame);
  }

  @Override
  public void drained(Port receiver) {
    peer(receiver).wakeSenders();
  }

  @Override
  public boolean delivers() {
    return true;
  }

  @Override
  public String describe(Port self) {
    return "cable " + peer(self).name();
  }
}
