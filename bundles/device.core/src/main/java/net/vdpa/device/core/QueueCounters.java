package net.vdpa.device.core;

import org.osgi.annotation.versioning.ConsumerType;

/** A device kind's counters of one virtqueue; cleared when the device resets. */
@ConsumerType
public interface QueueCounters {
  /** Back to zero (device reset; the queue's worker is stopped). */
  void clear();

  /**
   * Counts a ring error that stopped the queue (the queue's worker, before the device reports it,
   * so whoever hears of the error finds it counted). Kinds without such a counter count nothing.
   */
  default void ringError() {}
}
