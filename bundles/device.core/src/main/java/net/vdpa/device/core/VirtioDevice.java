package net.vdpa.device.core;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;
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
  private static final long PACKED = 1L << 34;

  private final String name;
  private final int deviceId;
  private final long features;
  private final int vqNumMax;
  private final Consumer<String> warn;
  private final Object lock = new Object();
  private final StatusMachine status;
  private final ConfigSpace config;
  private final DmaSpace dma;
  private final Virtqueues<C> vqs;
  private volatile Runnable configCallback;
  private final Crew crew;

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
    this.crew = new Crew(name, warn);
    this.vqs = new Virtqueues<>(name, vqCount, vqNumMax, counters);
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

  /** A queue's slot; IllegalArgumentException if there is no such queue. */
  protected final VqSlot<C> slot(int idx) {
    return vqs.slot(idx);
  }

  /** A queue's slot if it has a live ring now, else null. */
  protected final VqSlot<C> live(int idx) {
    return vqs.live(idx);
  }

  /** The config space. */
  protected final ConfigSpace config() {
    return config;
  }

  /** The workers running now (none when the device is not running). */
  protected final QueueWorker[] workers() {
    return crew.all();
  }

  /** The worker serving a queue now, or null (no lock, no allocation: for the datapath). */
  protected final QueueWorker workerOf(int idx) {
    return crew.of(idx);
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
    return vqs.count();
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
      ws = crew.stop();
    }
    crew.join(ws);
    synchronized (lock) {
      status.reset();
      vqs.resetAll();
      dma.clear();
      onReset();
    }
  }

  /** Builds the live rings of the ready queues the kind serves and starts its workers (under the lock). */
  private void startDatapath() {
    final long f = status.driverFeatures();
    try {
      vqs.buildLive(f, (f & PACKED) != 0, idx -> serves((int) idx, f), dma.iotlb());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("device " + name + ": DRIVER_OK refused: " + e.getMessage(), e);
    }
    crew.start(startWorkers(f, crew.suspended()), this);
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
      ws = crew.pause();
    }
    crew.awaitPaused(ws);
  }

  @Override
  public void resume() {
    synchronized (lock) {
      crew.resume();
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

  private void checkSetUp(int idx, String what) {
    vqs.slot(idx);
    if (status.has(VirtioStatus.DRIVER_OK)) {
      throw new IllegalStateException("device " + name + ": " + what + " of vq " + idx + " after DRIVER_OK (status "
          + VirtioStatus.format(status.status()) + "); reset the device first");
    }
  }

  @Override
  public void setVqAddress(int idx, long descArea, long driverArea, long deviceArea) {
    synchronized (lock) {
      checkSetUp(idx, "set_vq_address");
      vqs.setAddress(idx, descArea, driverArea, deviceArea);
    }
  }

  @Override
  public void setVqNum(int idx, int num) {
    synchronized (lock) {
      checkSetUp(idx, "set_vq_num");
      vqs.setNum(idx, num, status.has(VirtioStatus.FEATURES_OK) && (status.driverFeatures() & PACKED) == 0);
    }
  }

  @Override
  public void setVqReadAhead(int idx, int chains) {
    synchronized (lock) {
      checkSetUp(idx, "set_vq_read_ahead");
      vqs.setReadAhead(idx, chains);
    }
  }

  @Override
  public void setVqReady(int idx, boolean ready) {
    synchronized (lock) {
      checkSetUp(idx, "set_vq_ready");
      vqs.slot(idx).ready = ready;
    }
  }

  @Override
  public boolean isVqReady(int idx) {
    synchronized (lock) {
      return vqs.slot(idx).ready;
    }
  }

  @Override
  public VqState getVqState(int idx) {
    synchronized (lock) {
      return vqs.state(idx, this::heldBack);
    }
  }

  @Override
  public void setVqState(int idx, VqState state) {
    synchronized (lock) {
      checkSetUp(idx, "set_vq_state");
      vqs.setState(idx, state, (status.driverFeatures() & PACKED) != 0);
    }
  }

  @Override
  public void kickVq(int idx) {
    final QueueWorker w = crew.of(idx);
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
  public boolean supportsDmaFaults() {
    return true;
  }

  @Override
  public void setDmaFaultCallback(net.vdpa.api.DmaFaultCallback callback) {
    dma.faultCallback(callback);
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
    needsReset("vq " + slot.index() + " stopped on a ring error: "
        + (slot.queue() == null ? "?" : slot.queue().error().description()));
  }

  @Override
  public void workerFailed(QueueWorker worker, Throwable error) {
    needsReset("worker " + worker.thread().getName() + " failed: " + error);
  }

  /** DEVICE_NEEDS_RESET, one log line saying why, and a config change so the driver looks. */
  private void needsReset(String why) {
    status.needsReset();
    warn.accept("device " + name + ": " + why + "; DEVICE_NEEDS_RESET set");
    configChanged();
  }
}
