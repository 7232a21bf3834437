package net.vdpa.device.core;

import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;
import net.vdpa.ring.DeviceQueue;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One virtqueue of a device: what the driver set up (addresses, size, ready, saved state, callback),
 * the live device side of the ring while the device runs, and the device kind's counters.
 *
 * <p>Set-up fields are written by {@link VirtioDevice} under its lock. {@link #queue()} is created
 * under that lock before the workers start and belongs to the queue's worker until it is joined. The
 * callback and the broken flag are volatile: the driver may change the callback at any time, a
 * worker marks the queue broken.
 *
 * @param <C> the device kind's counters
 */
@ProviderType
public final class VqSlot<C extends QueueCounters> {
  private final int index;
  private final C counters;
  long descArea;
  long driverArea;
  long deviceArea;
  int num;
  boolean ready;
  /** {@link net.vdpa.api.VdpaDevice#setVqReadAhead}: chains, 0 for none. */
  int readAhead;
  VqState state;
  DeviceQueue queue;
  private volatile boolean broken;
  private volatile VqCallback callback;

  VqSlot(int index, C counters) {
    this.index = index;
    this.counters = counters;
  }

  /**
   * The queue index.
   *
   * @return 0 to the device's vq count - 1
   */
  public int index() {
    return index;
  }

  /**
   * The device kind's counters of this queue.
   *
   * @return the counters (cleared on reset)
   */
  public C counters() {
    return counters;
  }

  /**
   * The live device side of the ring while the device runs (the worker's own).
   *
   * @return the queue, or null if it is not running
   */
  public DeviceQueue queue() {
    return queue;
  }

  /**
   * The queue size the driver set.
   *
   * @return 0 until set
   */
  public int num() {
    return num;
  }

  /**
   * Whether the queue met a ring error and stopped.
   *
   * @return true once {@link #markBroken()} was called, until reset
   */
  public boolean broken() {
    return broken;
  }

  /** Records that the queue stopped on a ring error (its worker). */
  public void markBroken() {
    broken = true;
  }

  void setCallback(VqCallback cb) {
    callback = cb;
  }

  /** Tells the driver about used buffers, if it gave a callback (the queue's worker). */
  public void notifyUsed() {
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
    readAhead = 0;
    state = null;
    queue = null;
    broken = false;
    callback = null;
    counters.clear();
  }
}
