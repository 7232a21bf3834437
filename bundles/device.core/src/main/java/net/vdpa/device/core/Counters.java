package net.vdpa.device.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Named counters of one virtqueue with a single writer: only the worker that owns the queue counts
 * (plain read, opaque write, so that counting costs no fence); any thread reads a recent, never torn
 * value. A device kind extends it with its counter names and constants.
 */
@ConsumerType
public class Counters implements QueueCounters {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
  private final String[] names;
  private final long[] counters;

  /**
   * Counters at zero.
   *
   * @param names the counter names, as {@code vdpa dev vstats show} prints them; index = counter
   */
  protected Counters(String[] names) {
    this.names = names;
    this.counters = new long[names.length];
  }

  /**
   * Adds to a counter (owner thread only).
   *
   * @param counter its index
   * @param delta the amount
   */
  public final void add(int counter, long delta) {
    SLOT.setOpaque(counters, counter, counters[counter] + delta);
  }

  /**
   * Adds one to a counter (owner thread only).
   *
   * @param counter its index
   */
  public final void inc(int counter) {
    add(counter, 1);
  }

  /**
   * Reads a counter from any thread.
   *
   * @param counter its index
   * @return its value
   */
  public final long get(int counter) {
    return (long) SLOT.getOpaque(counters, counter);
  }

  /**
   * Some counters by name, in the order given.
   *
   * @param which counter indices
   * @return name to value
   */
  public final Map<String, Long> snapshot(int... which) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int c : which) {
      m.put(names[c], get(c));
    }
    return m;
  }

  /**
   * Every counter by name.
   *
   * @return name to value, in index order
   */
  public final Map<String, Long> snapshotAll() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int c = 0; c < names.length; c++) {
      m.put(names[c], get(c));
    }
    return m;
  }

  @Override
  public final void clear() {
    for (int i = 0; i < counters.length; i++) {
      SLOT.setOpaque(counters, i, 0L);
    }
  }
}
