package net.vdpa.api.port;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One end of a cable between ports of two providers (a SmartNIC's uplink and a simulated NIC's port,
 * or the uplinks of two adapters): the handle one provider gives the other so that frames cross
 * without either bundle importing the other. {@link PortControl#end} hands out a port's end;
 * {@link PortControl#join} plugs a port into a cable whose far end is another provider's.
 *
 * <p>Whoever unplugs its side (a replug, the device deleted, the bundle stopped) calls the far
 * end's {@link #unplugged} once and drops its reference to it; the far port then goes back to
 * its provider's unplugged state. No thread belongs to a cable: frames cross on the sender's.
 *
 * <p>Back-pressure crosses the cable as it does a cable inside one provider: a sender that offers
 * ({@link #offer}) and is told {@link Delivery#FULL} holds the frame; the receiving port, once it
 * has made room, calls {@link #roomMade} on the sender's end (its own far end), and the sender
 * offers again. No frame is lost to a slow receiver.
 */
@ConsumerType
public interface PortEnd {
  /**
   * The port this end belongs to, for listings.
   *
   * @return the port name
   */
  String port();

  /**
   * Takes one frame into the port, as if it had arrived on its wire. Called from the far
   * provider's worker threads, several at once; must not block or allocate.
   *
   * @param frame the Ethernet frame between position and limit (no FCS), valid only during the call
   * @return true if the port took it; false if it was dropped (link down, the port's device does not
   *     receive, its queue is full, the cable is unplugged), which the sender counts as a transmit drop
   */
  boolean receive(ByteBuffer frame);

  /**
   * Offers one frame to the port: as {@link #receive}, but a full queue answers {@link
   * Delivery#FULL} instead of dropping, and the port then calls {@link #roomMade} on its far end
   * (the caller's) once it has made room. Same threads and rules as {@link #receive}. A port that
   * has no queue to wait on answers what {@link #receive} does.
   *
   * @param frame the Ethernet frame between position and limit (no FCS), valid only during the call
   * @return what the port did with it
   * @since 1.3
   */
  default Delivery offer(ByteBuffer frame) {
    return receive(frame) ? Delivery.TAKEN : Delivery.DROPPED;
  }

  /**
   * The far port, which told this side {@link Delivery#FULL}, has made room: this port's senders
   * offer what they hold again. Called from the far provider's worker threads; must not block.
   * Spurious calls do no harm.
   *
   * @since 1.3
   */
  default void roomMade() {}

  /**
   * The far end has been unplugged: this port leaves the cable (and must not call the far end
   * again). Called at most once per {@link PortControl#join}; the caller holds no lock of its own
   * provider's that this call may wait for.
   */
  void unplugged();
}
