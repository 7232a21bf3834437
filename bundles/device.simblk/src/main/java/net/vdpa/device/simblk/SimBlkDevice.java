package net.vdpa.device.simblk;

import java.util.Map;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.log.EventLog;
import net.vdpa.device.core.FeatureCheck;
import net.vdpa.device.core.QueueWorker;
import net.vdpa.device.core.VirtioDevice;
import net.vdpa.device.core.VqSlot;
import net.vdpa.device.core.Workers;

/**
 * A simulated virtio-blk device: what only a block device adds to the device core — its config
 * layout, its {@link Disk} (memory or a file) and one {@link RequestWorker} per request queue. The
 * disk outlives resets (a driver's reset does not erase a disk); it is closed when the device is
 * deleted. Its config space changes only on a resize.
 */
final class SimBlkDevice extends VirtioDevice<BlkStats> {
  /** The largest queue size offered. */
  static final int VQ_NUM_MAX = 256;
  /** Prefix of every worker thread name, followed by the device name and {@code -rq<N>}. */
  static final String THREAD_PREFIX = "simblk-";

  private final BlkSpec spec;
  private final Disk disk;

  SimBlkDevice(BlkSpec spec, Disk disk, EventLog log) {
    super(spec.name(), ID_BLOCK, spec.features(), spec.numQueues(), VQ_NUM_MAX, BlkConfigSpace.of(spec),
        FeatureCheck.NONE, VirtioBlk::featureNames, i -> new BlkStats(), log::warn);
    this.spec = spec;
    this.disk = disk;
  }

  BlkSpec spec() {
    return spec;
  }

  /**
   * Changes the capacity the device shows (a resize); the driver is told through the config
   * generation and callback, as virtio-blk devices announce capacity changes.
   *
   * @param sectors the new capacity, at most the capacity the device was created with
   */
  void resize(long sectors) {
    disk.resize(sectors * VirtioBlk.SECTOR);
    if (config().update(b -> {
      long old = b.getLong(VirtioBlk.CFG_CAPACITY);
      b.putLong(VirtioBlk.CFG_CAPACITY, sectors);
      return old != sectors;
    })) {
      configChanged();
    }
  }

  /** Closes the disk (the device is deleted and reset: no worker runs). */
  void closeDisk() {
    disk.close();
  }

  /** The disk's bytes in memory so far (tests, diagnostics). */
  long allocatedBytes() {
    return disk.allocatedBytes();
  }

  @Override
  protected boolean serves(int index, long features) {
    // without MQ only the first request queue exists for the driver
    return index == 0 || (features & VirtioBlk.bit(VirtioBlk.F_MQ)) != 0;
  }

  @Override
  protected Workers startWorkers(long features, boolean paused) {
    QueueWorker[] byQueue = new QueueWorker[vqCount()];
    java.util.List<QueueWorker> all = new java.util.ArrayList<>();
    for (int i = 0; i < vqCount(); i++) {
      VqSlot<BlkStats> s = live(i);
      if (s != null) {
        RequestWorker w = new RequestWorker(THREAD_PREFIX + name() + "-rq" + i, s,
            new Requests(disk, i, spec.readOnly(), name(), features, s.counters()), paused);
        all.add(w);
        byQueue[i] = w;
      }
    }
    return new Workers(all.toArray(new QueueWorker[0]), byQueue);
  }

  @Override
  public Map<String, Long> vendorVqStats(int idx) {
    return slot(idx).counters().snapshotAll();
  }

  @Override
  public String toString() {
    return "SimBlkDevice[" + name() + ", status " + VirtioStatus.format(status()) + ", " + spec.capacitySectors()
        + " sectors]";
  }
}
