package net.vdpa.device.simnet;

import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;
import net.vdpa.ring.DeviceQueue;

/**
 * One virtqueue of a device: what the driver set up (addresses, size, ready, saved state, callback),
 * the live device side of the ring while the device runs, and the queue's counters.
 *
 * <p>Set-up fields are guarded by the device's lock. {@link #queue} is created under that lock
 * before the worker starts and belongs to the worker until it is joined. The callback and the
 * broken flag are volatile: the driver may change the callback at any time, a worker sets broken.
 */
final class VqSlot {
  /** The queue index. */
  final int index;
  /** The queue's counters. */
  final QueueStats stats = new QueueStats();

  /** IOVA of the descriptor area; guarded by the device lock. */
  long descArea;
  /** IOVA of the driver area; guarded by the device lock. */
  long driverArea;
  /** IOVA of the device area; guarded by the device lock. */
  long deviceArea;
  /** Queue size, 0 until set; guarded by the device lock. */
  int num;
  /** Whether the driver enabled the queue; guarded by the device lock. */
  boolean ready;
  /** State to continue from, or null to start at the beginning; guarded by the device lock. */
  VqState state;
  /** The live ring while the device runs, else null; see the class comment. */
  DeviceQueue queue;
  /** Set when the ring met an error and the queue stopped. */
  volatile boolean broken;
  /** What to call when used buffers are published. */
  volatile VqCallback callback;

  /**
   * An empty slot.
   *
   * @param index the queue index
   */
  VqSlot(int index) {
    this.index = index;
  }

  /** Tells the driver about used buffers, if it gave a callback. */
  void notifyUsed() {
    final VqCallback cb = callback;
    if (cb != null) {
      cb.used(index);
    }
  }

  /** Forgets everything the driver set up (device reset; the worker is stopped). */
  void reset() {
    descArea = 0;
    driverArea = 0;
    deviceArea = 0;
    num = 0;
    ready = false;
    state = null;
    queue = null;
    broken = false;
    callback = null;
    stats.clear();
  }
}
