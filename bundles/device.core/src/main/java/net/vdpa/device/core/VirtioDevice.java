package net.vdpa.device.core;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingIndex;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.packed.PackedQueueState;
import net.vdpa.ring.split.SplitDevice;
import net.vdpa.ring.split.SplitQueueState;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The generic half of a virtio device: the whole {@link VdpaDevice} contract except what only a
 * device kind knows. At DRIVER_OK it builds the live rings of the queues the kind uses and starts
 * the kind's {@link QueueWorker}s; at reset it stops and joins them and forgets the driver's set-up;
 * suspend parks the workers between passes and resume lets them serve the kicks that came meanwhile.
 *
 * <p>A device kind supplies its identity and features (constructor), its config space, its
 * {@link FeatureCheck}, its counters, and implements {@link #startWorkers}, {@link #vendorVqStats}
 * and, where it keeps state of its own, {@link #onReset} and {@link #heldBack}.
 *
 * <p>Threads: control-plane calls hold the device's lock; workers never take it, so a reset can stop
 * and join them. {@link #kickVq} takes no lock and allocates nothing.
 *
 * @param <C> the kind's counters of one queue
 */
@ConsumerType
public abstract class VirtioDevice<C extends QueueCounters> implements VdpaDevice, WorkerHost {
  private static final long JOIN_MILLIS = 5_000;
  private static final long PACKED = 1L << 34;
  private static final QueueWorker[] NO_WORKERS = new QueueWorker[0];

  /**
   * The workers a kind started at DRIVER_OK.
   *
   * @param all every worker
   * @param byQueue the worker that serves each queue index (null where none), for kicks
   */
  public record Workers(QueueWorker[] all, QueueWorker[] byQueue) {}

  private final String name;
  private final int deviceId;
  private final long features;
  private final int vqNumMax;
  private final Consumer<String> warn;
  private final Object lock = new Object();
  private final StatusMachine status;
  private final ConfigSpace config;
  private final DmaSpace dma;
  private final VqSlot<C>[] slots;
  private volatile Runnable configCallback;
  private volatile Workers workers = new Workers(NO_WORKERS, NO_WORKERS);
  /** Guarded by {@link #lock}. */
  private boolean suspended;

  /**
   * A device in the reset state.
   *
   * @param name its name
   * @param deviceId its virtio device id
   * @param features the features it offers
   * @param vqCount its number of virtqueues
   * @param vqNumMax the largest queue size it takes
   * @param config its config space
   * @param check its rules on feature combinations
   * @param featureNames names feature bits for messages
   * @param counters makes the counters of queue {@code i}
   * @param warn where warnings go (a worker that did not stop, a ring error)
   */
  @SuppressWarnings("unchecked")
  protected VirtioDevice(String name, int deviceId, long features, int vqCount, int vqNumMax, ConfigSpace config,
      FeatureCheck check, LongFunction<String> featureNames, IntFunction<C> counters, Consumer<String> warn) {
    this.name = name;
    this.deviceId = deviceId;
    this.features = features;
    this.vqNumMax = vqNumMax;
    this.warn = warn;
    this.config = config;
    this.status = new StatusMachine(name, features, check, featureNames);
    this.dma = new DmaSpace(name);
    this.slots = new VqSlot[vqCount];
    for (int i = 0; i < vqCount; i++) {
      slots[i] = new VqSlot<>(i, counters.apply(i));
    }
  }

  // ---------------------------------------------------------------- what a kind supplies

  /**
   * Creates the workers for a device that just got DRIVER_OK (under the device's lock; the live
   * rings are built). The core starts them.
   *
   * @param features the negotiated features
   * @param paused whether the device is suspended (workers then start paused)
   * @return the workers and which queue each serves
   */
  protected abstract Workers startWorkers(long features, boolean paused);

  /**
   * Whether the kind serves a queue with the negotiated features (a virtio-net device serves only
   * pair 0 and no control queue without MQ and CTRL_VQ). Only ready queues it serves get a live ring.
   *
   * @param index the queue index
   * @param features the negotiated features
   * @return true by default
   */
  protected boolean serves(int index, long features) {
    return true;
  }

  /** Forgets the kind's own state at reset (under the lock; the workers are stopped). */
  protected void onReset() {}

  /**
   * Chains a running queue's worker has taken but not used and will give back (receive buffers held
   * for a frame that did not fit), so that a saved state accounts for them.
   *
   * @param index the queue index
   * @param packed whether the ring is packed (count descriptors, else chains)
   * @return 0 by default
   */
  protected int heldBack(int index, boolean packed) {
    return 0;
  }

  // ---------------------------------------------------------------- for the kind

  /**
   * A queue's slot.
   *
   * @param idx the queue index
   * @return its slot
   * @throws IllegalArgumentException if there is no such queue
   */
  protected final VqSlot<C> slot(int idx) {
    if (idx < 0 || idx >= slots.length) {
      throw new IllegalArgumentException("device " + name + ": vq " + idx + " does not exist (vq count "
          + slots.length + ")");
    }
    return slots[idx];
  }

  /**
   * A queue's slot if it runs now.
   *
   * @param idx the queue index
   * @return the slot, or null if the queue has no live ring
   */
  protected final VqSlot<C> live(int idx) {
    return idx >= 0 && idx < slots.length && slots[idx].queue != null ? slots[idx] : null;
  }

  /**
   * The config space.
   *
   * @return it
   */
  protected final ConfigSpace config() {
    return config;
  }

  /**
   * The workers running now.
   *
   * @return every worker (empty when the device is not running)
   */
  protected final QueueWorker[] workers() {
    return workers.all();
  }

  /**
   * The worker serving a queue now (no lock, no allocation: for the datapath).
   *
   * @param idx the queue index
   * @return the worker, or null if none serves it
   */
  protected final QueueWorker workerOf(int idx) {
    final QueueWorker[] by = workers.byQueue();
    return idx >= 0 && idx < by.length ? by[idx] : null;
  }

  /** Tells the driver its config or status changed (any thread). */
  protected final void configChanged() {
    Runnable cb = configCallback;
    if (cb != null) {
      cb.run();
    }
  }

  // ---------------------------------------------------------------- identity

  @Override
  public String name() {
    return name;
  }

  @Override
  public int deviceId() {
    return deviceId;
  }

  @Override
  public int vendorId() {
    return 0;
  }

  @Override
  public int vqCount() {
    return slots.length;
  }

  @Override
  public int vqNumMax() {
    return vqNumMax;
  }

  // ---------------------------------------------------------------- features and status

  @Override
  public long deviceFeatures() {
    return features;
  }

  @Override
  public void setDriverFeatures(long f) {
    synchronized (lock) {
      status.setDriverFeatures(f);
    }
  }

  @Override
  public long driverFeatures() {
    return status.driverFeatures();
  }

  @Override
  public int status() {
    return status.status();
  }

  @Override
  public void setStatus(int s) {
    if (s == 0) {
      reset();
      return;
    }
    synchronized (lock) {
      if (status.check(s)) {
        startDatapath();
      }
      status.apply(s);
    }
  }

  @Override
  public void reset() {
    QueueWorker[] ws;
    synchronized (lock) {
      ws = workers.all();
      workers = new Workers(NO_WORKERS, NO_WORKERS);
      for (QueueWorker w : ws) {
        w.stop();
      }
    }
    for (QueueWorker w : ws) {
      if (!w.join(JOIN_MILLIS)) {
        warn.accept("device " + name + ": worker " + w.thread().getName() + " did not stop within " + JOIN_MILLIS
            + " ms");
      }
    }
    synchronized (lock) {
      status.reset();
      for (VqSlot<C> slot : slots) {
        slot.reset();
      }
      dma.clear();
      suspended = false;
      onReset();
    }
  }

  /** Builds the live rings of the ready queues the kind serves and starts its workers (under the lock). */
  private void startDatapath() {
    final long f = status.driverFeatures();
    final boolean packed = (f & PACKED) != 0;
    try {
      for (VqSlot<C> slot : slots) {
        if (slot.ready && serves(slot.index(), f)) {
          slot.queue = liveQueue(slot, f, packed);
        }
      }
    } catch (IllegalArgumentException e) {
      for (VqSlot<C> slot : slots) {
        slot.queue = null;
      }
      throw new IllegalStateException("device " + name + ": DRIVER_OK refused: " + e.getMessage(), e);
    }
    Workers w = startWorkers(f, suspended);
    workers = w;
    for (QueueWorker worker : w.all()) {
      worker.start(this);
    }
  }

  private DeviceQueue liveQueue(VqSlot<C> slot, long f, boolean packed) {
    if (slot.num == 0) {
      throw new IllegalArgumentException("vq " + slot.index() + " is ready but its size was never set");
    }
    QueueConfig qc = new QueueConfig(slot.num, slot.descArea, slot.driverArea, slot.deviceArea, f);
    Iotlb iotlb = dma.iotlb();
    try {
      VqState s = slot.state;
      if (packed) {
        return s == null ? new PackedDevice(qc, iotlb) : PackedDevice.restore(qc, iotlb, packedState(s));
      }
      return s == null ? new SplitDevice(qc, iotlb) : SplitDevice.restore(qc, iotlb, splitState(s));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("vq " + slot.index() + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- suspend

  @Override
  public boolean supportsSuspend() {
    return true;
  }

  @Override
  public void suspend() {
    QueueWorker[] ws;
    synchronized (lock) {
      if (suspended) {
        return;
      }
      suspended = true;
      ws = workers.all();
      for (QueueWorker w : ws) {
        w.pause();
      }
    }
    for (QueueWorker w : ws) {
      if (!w.awaitPaused(JOIN_MILLIS)) {
        throw new IllegalStateException("device " + name + ": worker " + w.thread().getName()
            + " did not pause within " + JOIN_MILLIS + " ms");
      }
    }
  }

  @Override
  public void resume() {
    synchronized (lock) {
      if (!suspended) {
        return;
      }
      suspended = false;
      for (QueueWorker w : workers.all()) {
        w.resume();
      }
    }
  }

  // ---------------------------------------------------------------- config space

  @Override
  public int configSize() {
    return config.size();
  }

  @Override
  public void getConfig(int offset, ByteBuffer dst) {
    config.read(offset, dst);
  }

  @Override
  public int generation() {
    return config.generation();
  }

  @Override
  public void setConfigCallback(Runnable callback) {
    configCallback = callback;
  }

  // ---------------------------------------------------------------- virtqueues

  private VqSlot<C> setupSlot(int idx, String what) {
    VqSlot<C> slot = slot(idx);
    if (status.has(VirtioStatus.DRIVER_OK)) {
      throw new IllegalStateException("device " + name + ": " + what + " of vq " + idx + " after DRIVER_OK (status "
          + VirtioStatus.format(status.status()) + "); reset the device first");
    }
    return slot;
  }

  @Override
  public void setVqAddress(int idx, long descArea, long driverArea, long deviceArea) {
    synchronized (lock) {
      VqSlot<C> slot = setupSlot(idx, "set_vq_address");
      if (slot.ready) {
        throw new IllegalStateException("device " + name + ": set_vq_address of vq " + idx
            + " while it is ready; disable it first");
      }
      slot.descArea = descArea;
      slot.driverArea = driverArea;
      slot.deviceArea = deviceArea;
    }
  }

  @Override
  public void setVqNum(int idx, int num) {
    synchronized (lock) {
      VqSlot<C> slot = setupSlot(idx, "set_vq_num");
      boolean split = status.has(VirtioStatus.FEATURES_OK) && (status.driverFeatures() & PACKED) == 0;
      if (num < 1 || num > vqNumMax || (split && Integer.bitCount(num) != 1)) {
        throw new IllegalArgumentException("device " + name + ": vq " + idx + " size " + num + " is not "
            + (split ? "a power of two " : "") + "in 1.." + vqNumMax);
      }
      slot.num = num;
    }
  }

  @Override
  public void setVqReady(int idx, boolean ready) {
    synchronized (lock) {
      setupSlot(idx, "set_vq_ready").ready = ready;
    }
  }

  @Override
  public boolean isVqReady(int idx) {
    synchronized (lock) {
      return slot(idx).ready;
    }
  }

  @Override
  public VqState getVqState(int idx) {
    synchronized (lock) {
      VqSlot<C> slot = slot(idx);
      DeviceQueue q = slot.queue;
      if (q == null) {
        return slot.state != null ? slot.state : new VqState(0, true, 0, true);
      }
      if (q instanceof SplitDevice sd) {
        SplitQueueState s = sd.state();
        return new VqState(RingIndex.add(s.lastAvailIdx(), -heldBack(idx, false)), true, s.lastUsedIdx(), true);
      }
      PackedQueueState s = ((PackedDevice) q).state();
      int avail = s.lastAvailIdx() - heldBack(idx, true);
      boolean wrap = s.availWrap();
      if (avail < 0) {
        avail += slot.num;
        wrap = !wrap;
      }
      return new VqState(avail, wrap, s.lastUsedIdx(), s.usedWrap());
    }
  }

  @Override
  public void setVqState(int idx, VqState state) {
    synchronized (lock) {
      VqSlot<C> slot = setupSlot(idx, "set_vq_state");
      int size = slot.num > 0 ? slot.num : QueueConfig.MAX_SIZE;
      try {
        if ((status.driverFeatures() & PACKED) != 0) {
          packedState(state).validate(size);
        } else {
          splitState(state).validate(size);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("device " + name + ": vq " + idx + " state " + state + " refused: "
            + e.getMessage(), e);
      }
      slot.state = state;
    }
  }

  private static SplitQueueState splitState(VqState s) {
    return new SplitQueueState(s.lastAvailIdx(), s.lastUsedIdx());
  }

  private static PackedQueueState packedState(VqState s) {
    return new PackedQueueState(s.lastAvailIdx(), s.lastAvailWrap(), s.lastUsedIdx(), s.lastUsedWrap());
  }

  @Override
  public void kickVq(int idx) {
    final QueueWorker w = workerOf(idx);
    if (w != null) {
      w.kick();
    }
  }

  @Override
  public void setVqCallback(int idx, VqCallback callback) {
    slot(idx).setCallback(callback);
  }

  // ---------------------------------------------------------------- DMA

  @Override
  public void dmaMap(long iova, ByteBuffer memory, int perm) {
    synchronized (lock) {
      dma.map(iova, memory, perm, iovaRange());
    }
  }

  @Override
  public void dmaUnmap(long iova, long size) {
    synchronized (lock) {
      dma.unmap(iova, size);
    }
  }

  // ---------------------------------------------------------------- worker reports

  @Override
  public void ringError(VqSlot<?> slot) {
    status.needsReset();
    warn.accept("device " + name + ": vq " + slot.index() + " stopped on a ring error: "
        + (slot.queue() == null ? "?" : slot.queue().error().description()) + "; DEVICE_NEEDS_RESET set");
    configChanged();
  }

  @Override
  public void workerFailed(QueueWorker worker, Throwable error) {
    status.needsReset();
    warn.accept("device " + name + ": worker " + worker.thread().getName() + " failed: " + error
        + "; DEVICE_NEEDS_RESET set");
    configChanged();
  }
}
