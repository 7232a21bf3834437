package net.vdpa.device.simblk;

import net.vdpa.device.core.Counters;

/**
 * The counters of one request queue; single writer, as the core's {@link Counters}.
 */
final class BlkStats extends Counters {
  static final int RECEIVED_DESC = 0;
  static final int COMPLETED_DESC = 1;
  static final int READ_OPS = 2;
  static final int READ_BYTES = 3;
  static final int WRITE_OPS = 4;
  static final int WRITE_BYTES = 5;
  static final int FLUSH_OPS = 6;
  static final int DISCARD_OPS = 7;
  static final int WRITE_ZEROES_OPS = 8;
  static final int GET_ID_OPS = 9;
  /** Requests answered IOERR (out of range, misaligned, malformed). */
  static final int IO_ERRORS = 10;
  /** Requests answered UNSUPP. */
  static final int UNSUPPORTED = 11;
  static final int RING_ERRORS = 12;

  private static final String[] NAMES = {"received_desc", "completed_desc", "read_ops", "read_bytes", "write_ops",
      "write_bytes", "flush_ops", "discard_ops", "write_zeroes_ops", "get_id_ops", "io_errors", "unsupported",
      "ring_errors"};
  BlkStats() {
    super(NAMES);
  }

  @Override
  public void ringError() {
    inc(RING_ERRORS);
  }
}
