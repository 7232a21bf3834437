package net.vdpa.api.port;

/** What a port is plugged into. */
public enum WireKind {
  /** What the port transmits, it receives (the default). */
  LOOPBACK,
  /** A cable to another port. */
  CABLE,
  /** A pcap capture file: what the port transmits is written to it. */
  CAPTURE,
  /**
   * A UDP socket: one Ethernet frame per datagram, sent to a remote address and received on a local
   * one (QEMU's {@code -netdev dgram} and {@code -netdev socket,udp=}).
   */
  UDP,
  /**
   * A TCP connection, listened for or connected to: each frame preceded by its length, 4 bytes
   * big-endian (QEMU's {@code -netdev stream} and {@code -netdev socket,listen=|connect=}).
   */
  STREAM,
  /**
   * Nothing: the port has no carrier (an uplink with no cable). Frames sent out of it are dropped.
   *
   * @since 1.2
   */
  NONE
}
