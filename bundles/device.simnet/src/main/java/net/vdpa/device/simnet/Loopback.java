package net.vdpa.device.simnet;

import net.vdpa.device.core.net.Frame;

/**
 * The default wire: what a queue pair transmits, the same queue pair receives, copied straight
 * from the transmit chain's memory into the receive chain's on the worker's own thread.
 */
final class Loopback implements Wire {
  @Override
  public Carry transmit(Port from, QueuePairWorker worker, Frame frame) {
    worker.receive(frame);
    return Carry.TAKEN;
  }

  @Override
  public String describe(Port self) {
    return "loopback";
  }
}
