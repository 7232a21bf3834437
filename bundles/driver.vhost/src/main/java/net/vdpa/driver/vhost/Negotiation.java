package net.vdpa.driver.vhost;

import net.vdpa.api.VirtioStatus;

/**
 * What a frontend has negotiated so far: ownership, features, protocol features and the status byte
 * it set. Guarded by the session's monitor.
 */
final class Negotiation {
  private static final long PROTOCOL_FEATURES = 1L << Message.F_PROTOCOL_FEATURES;
  private static final long PACKED = 1L << 34;

  boolean owner;
  boolean featuresSet;
  long features;
  long protocol;
  int frontendStatus;

  /** Whether RING_PACKED was negotiated. */
  boolean packed() {
    return featuresSet && (features & PACKED) != 0;
  }

  /** Whether replies to NEED_REPLY messages are owed (REPLY_ACK). */
  boolean ack() {
    return has(Message.PF_REPLY_ACK);
  }

  /** Whether a protocol feature was negotiated. */
  boolean has(int protocolBit) {
    return (protocol & (1L << protocolBit)) != 0;
  }

  /** Whether rings start disabled and need SET_VRING_ENABLE (PROTOCOL_FEATURES negotiated). */
  boolean needEnable() {
    return (features & PROTOCOL_FEATURES) != 0;
  }

  /** Whether the frontend's status gates the device (STATUS negotiated) and says DRIVER_OK. */
  boolean statusAllowsStart() {
    return !has(Message.PF_STATUS) || (frontendStatus & VirtioStatus.DRIVER_OK) != 0;
  }

  /** Back to a fresh connection's state (RESET_OWNER). */
  void reset() {
    owner = false;
    featuresSet = false;
    features = 0;
    protocol = 0;
    frontendStatus = 0;
  }
}
