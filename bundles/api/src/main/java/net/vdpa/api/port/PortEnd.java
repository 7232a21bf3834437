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
   * The far end has been unplugged: this port leaves the cable (and must not call the far end
   * again). Called at most once per {@link PortControl#join}; the caller holds no lock of its own
   * provider's that this call may wait for.
   */
  void unplugged();
}
