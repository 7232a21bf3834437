package net.vdpa.device.simnet;

/**
 * A cable between two ports: what one transmits, the other receives. The frame is copied into a
 * slot of the receiving queue pair's {@link FrameQueue} and that pair's worker is woken.
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
  public boolean transmit(Port from, QueuePairWorker worker, Frame frame) {
    return peer(from).acceptFromWire(worker.pair(), frame);
  }

  @Override
  public String describe(Port self) {
    return "cable " + peer(self).name();
  }
}
