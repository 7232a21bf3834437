package net.vdpa.device.simnet;

import net.vdpa.api.port.WireKind;
import net.vdpa.device.core.net.ForeignCable;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;

/**
 * A cable to another provider's port (a SmartNIC's uplink): what the port transmits goes to the far
 * end; what the far end sends arrives through the port's {@link SimNetEnd} into its inboxes. Not
 * kept: the port's kept setting stays loopback, so after a restart it is in loopback. Unplugging
 * it (a replug, the device deleted) tells the far end.
 */
final class ForeignWire implements Wire {
  private final ForeignCable cable;

  /**
   * A cable to a far end.
   *
   * @param cable the sending half
   */
  ForeignWire(ForeignCable cable) {
    this.cable = cable;
  }

  /**
   * The far port's name.
   *
   * @return the name
   */
  String peer() {
    return cable.peer();
  }

  /**
   * The far end unplugged first: stop sending, and do not tell it when this wire closes.
   *
   * @return true if the cable was open until now
   */
  boolean release() {
    return cable.release();
  }

  /**
   * Refuses to cable a port that has a cable (to a simulated NIC or to another provider's port).
   *
   * @param port the port
   * @param kept its kept setting
   * @throws IllegalArgumentException naming the port and its peer
   */
  static void refuseCabled(Port port, PortSetting kept) {
    String peer = port.wire() instanceof ForeignWire fw ? fw.peer() : kept.wire() == WireKind.CABLE ? kept.peer() : null;
    if (peer != null) {
      throw new IllegalArgumentException("port " + port.name() + " is cabled to " + peer + " already; unplug it first");
    }
  }

  @Override
  public Carry transmit(Port from, QueuePairWorker worker, Frame frame) {
    return switch (cable.send(frame, FrameQueue.KEEP_TAG)) {
      case TAKEN -> Carry.TAKEN;
      case FULL -> Carry.FULL; // held: the far end calls this port's end back (SimNetEnd.roomMade)
      case DROPPED -> Carry.DROPPED;
    };
  }

  @Override
  public void drained(Port receiver) {
    // the only sender this port's inbox can have told FULL is the far end
    cable.roomMade();
  }

  @Override
  public boolean delivers() {
    return true;
  }

  @Override
  public String describe(Port self) {
    return "cable " + cable.peer();
  }

  @Override
  public void close() {
    cable.close();
  }
}
