package net.vdpa.api.port;

/**
 * What a port did with a frame offered over a cable between providers ({@link PortEnd#offer}).
 *
 * @since 1.3
 */
public enum Delivery {
  /** The port took the frame. */
  TAKEN,
  /**
   * The port's queue for the frame is full and it kept nothing: the sender holds the frame and
   * offers it again once the port calls {@link PortEnd#roomMade} on the sender's end.
   */
  FULL,
  /** The port dropped the frame (link down, its device does not receive, the cable is unplugged); the sender counts a transmit drop. */
  DROPPED
}
