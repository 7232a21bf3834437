package net.vdpa.device.core.net;

import java.util.Map;
import net.vdpa.device.core.Counters;

/**
 * The counters of one virtqueue, named as the kernel's simulator and iproute2 name them; single
 * writer, as the core's {@link Counters}.
 */
public final class QueueStats extends Counters {
  /** Chains the device took from the queue. */
  public static final int RECEIVED_DESC = 0;
  /** Chains the device returned used. */
  public static final int COMPLETED_DESC = 1;
  /** Frames written into the receive queue. */
  public static final int RX_PACKETS = 2;
  /** Frame bytes written into the receive queue (without the virtio-net header). */
  public static final int RX_BYTES = 3;
  /** Frames refused because the receive buffers were malformed or too short. */
  public static final int RX_ERRORS = 4;
  /** Frames lost because the receive queue had no buffer. */
  public static final int RX_OVERRUNS = 5;
  /** Frames the receive filter refused. */
  public static final int RX_DROPS = 6;
  /** Frames taken from the transmit queue and put on the wire. */
  public static final int TX_PACKETS = 7;
  /** Frame bytes transmitted. */
  public static final int TX_BYTES = 8;
  /** Transmit chains refused as malformed (too short, too long, no readable bytes). */
  public static final int TX_ERRORS = 9;
  /** Frames the wire could not carry (link down, cable peer not listening or full). */
  public static final int TX_DROPS = 10;
  /** Control commands received. */
  public static final int CVQ_REQUESTS = 11;
  /** Control commands acknowledged with CTRL_OK. */
  public static final int CVQ_SUCCESSES = 12;
  /** Control commands answered with CTRL_ERR. */
  public static final int CVQ_ERRORS = 13;
  /** Ring errors that stopped the queue. */
  public static final int RING_ERRORS = 14;

  private static final String[] NAMES = {"received_desc", "completed_desc", "rx_packets", "rx_bytes",
      "rx_errors", "rx_overruns", "rx_drops", "tx_packets", "tx_bytes", "tx_errors", "tx_drops",
      "cvq_requests", "cvq_successes", "cvq_errors", "ring_errors"};
  private static final int[] RX = {RECEIVED_DESC, COMPLETED_DESC, RX_PACKETS, RX_BYTES, RX_ERRORS, RX_OVERRUNS,
      RX_DROPS, RING_ERRORS};
  private static final int[] TX = {RECEIVED_DESC, COMPLETED_DESC, TX_PACKETS, TX_BYTES, TX_ERRORS, TX_DROPS,
      RING_ERRORS};
  private static final int[] CVQ = {RECEIVED_DESC, COMPLETED_DESC, CVQ_REQUESTS, CVQ_SUCCESSES, CVQ_ERRORS,
      RING_ERRORS};

  /**
   * Counts one transmit pass (the worker that owns the queue).
   *
   * @param chains chains taken and used
   * @param sent frames the wire carried
   * @param bytes their bytes
   * @param dropped frames the wire could not carry
   * @param errors malformed chains
   */
  public void countTransmit(int chains, int sent, long bytes, int dropped, int errors) {
    add(RECEIVED_DESC, chains);
    add(COMPLETED_DESC, chains);
    if (sent > 0) {
      add(TX_PACKETS, sent);
      add(TX_BYTES, bytes);
    }
    if (dropped > 0) {
      add(TX_DROPS, dropped);
    }
    if (errors > 0) {
      add(TX_ERRORS, errors);
    }
  }

  /** The kind of queue, which decides the counters shown. */
  public enum Kind {
    /** A receive queue. */
    RX,
    /** A transmit queue. */
    TX,
    /** The control queue. */
    CVQ
  }

  public QueueStats() {
    super(NAMES);
  }

  /**
   * The counters that make sense for a queue kind, in a stable order.
   *
   * @param kind the queue kind
   * @return counter name to value
   */
  public Map<String, Long> snapshot(Kind kind) {
    return snapshot(kind == Kind.RX ? RX : kind == Kind.TX ? TX : CVQ);
  }

  @Override
  public void ringError() {
    inc(RING_ERRORS);
  }
}
