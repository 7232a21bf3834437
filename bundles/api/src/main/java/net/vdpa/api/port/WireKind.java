package net.vdpa.api.port;

/** What a port is plugged into. */
public enum WireKind {
  /** What the port transmits, it receives (the default). */
  LOOPBACK,
  /** A cable to another port. */
  CABLE,
  /** A pcap capture file: what the port transmits is written to it. */
  CAPTURE
}
