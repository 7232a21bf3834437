package net.vdpa.api.port;

/** Why a UDP or stream wire dropped a frame, or let go of its peer. */
public enum SocketDrop {
  /** Received a frame shorter than an Ethernet header (14 bytes). */
  RUNT,
  /** Received a frame longer than the port's largest frame (MTU plus header). */
  OVERSIZE,
  /** The stream ended inside a frame (the peer went away mid-frame). */
  TRUNCATED,
  /** A stream length prefix of 0 or above 65535: the stream cannot be trusted and is closed. */
  BAD_LENGTH,
  /**
   * Received whole while the port's device does not receive (not running, link down, no queue);
   * such frames are counted in {@code rxFrames} too.
   */
  NOT_RECEIVING,
  /** Transmitted while a stream wire has no peer connected. */
  NO_PEER,
  /** The socket refused a frame being sent (the peer is unreachable, the connection broke). */
  SEND_FAILED
}
