package net.vdpa.device.core;

import org.osgi.annotation.versioning.ConsumerType;

/** A device kind's counters of one virtqueue; cleared when the device resets. */
@ConsumerType
public interface QueueCounters {
  /** Back to zero (device reset; the queue's worker is stopped). */
  void clear();
}
