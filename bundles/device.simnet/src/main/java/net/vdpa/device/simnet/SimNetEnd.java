package net.vdpa.device.simnet;

import java.nio.ByteBuffer;
import net.vdpa.api.port.Delivery;
import net.vdpa.api.port.PortEnd;
import net.vdpa.device.core.net.FrameWrap;

/**
 * A simulated NIC port's end of a cable to another provider's port: frames the far end sends go
 * into the port's inboxes as a simulated cable's would (queue pair 0's mapping picks the receiving
 * pair), while the port is plugged into a {@link ForeignWire}; a full inbox answers {@link
 * Delivery#FULL} and the far end is called back once the port's worker has made room.
 */
final class SimNetEnd implements PortEnd {
  /** What happens when the far end unplugs. */
  interface Board {
    /**
     * The far end of a port's foreign cable unplugged: the port goes back to loopback.
     *
     * @param port the port
     */
    void farUnplugged(Port port);
  }

  private final Board board;
  private final Port port;
  private final FrameWrap wrap = new FrameWrap();

  /**
   * A port's end; the port has its inboxes already.
   *
   * @param board told when the far end unplugs
   * @param port the port
   */
  SimNetEnd(Board board, Port port) {
    this.board = board;
    this.port = port;
  }

  @Override
  public String port() {
    return port.name();
  }

  @Override
  public boolean receive(ByteBuffer frame) {
    return offer(frame) == Delivery.TAKEN;
  }

  @Override
  public Delivery offer(ByteBuffer frame) {
    if (!(port.wire() instanceof ForeignWire)) {
      return Delivery.DROPPED;
    }
    return switch (port.acceptFromWire(0, wrap.wrap(frame))) {
      case TAKEN -> Delivery.TAKEN;
      case FULL -> Delivery.FULL; // the port's worker calls the far end back once it has drained (ForeignWire.drained)
      case DROPPED -> Delivery.DROPPED;
    };
  }

  @Override
  public void roomMade() {
    port.wakeSenders();
  }

  @Override
  public void unplugged() {
    board.farUnplugged(port);
  }
}
