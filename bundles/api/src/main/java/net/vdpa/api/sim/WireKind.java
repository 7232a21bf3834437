package net.vdpa.api.sim;

/** What a simulated NIC's port is plugged into. */
public enum WireKind {
  /** What the port transmits, it receives (the default). */
  LOOPBACK,
  /** A cable to another simulated NIC's port. */
  CABLE,
  /** A pcap capture file: what the port transmits is written to it. */
  CAPTURE
}
