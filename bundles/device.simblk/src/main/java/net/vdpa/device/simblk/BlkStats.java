package net.vdpa.device.simblk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import net.vdpa.device.core.QueueCounters;

/**
 * The counters of one request queue. Single writer (the queue's worker: plain read, opaque write);
 * any thread reads a {@link #snapshot()}.
 */
final class BlkStats implements QueueCounters {
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
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
  private final long[] counters = new long[NAMES.length];

  void add(int counter, long delta) {
    SLOT.setOpaque(counters, counter, counters[counter] + delta);
  }

  void inc(int counter) {
    add(counter, 1);
  }

  long get(int counter) {
    return (long) SLOT.getOpaque(counters, counter);
  }

  /** The counters by name, as {@code vdpa dev vstats show} prints them. */
  Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < NAMES.length; i++) {
      m.put(NAMES[i], get(i));
    }
    return m;
  }

  @Override
  public void clear() {
    for (int i = 0; i < counters.length; i++) {
      SLOT.setOpaque(counters, i, 0L);
    }
  }
}
