package net.vdpa.device.simblk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Set;
import net.vdpa.api.DevAttr;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.log.EventLog;
import net.vdpa.device.core.DeviceTable;

/**
 * The {@code vdpasim_blk} management device: creates simulated block devices and publishes them;
 * deletes them again. By default a device is a 128 MiB RAM disk with one request queue, as Linux's
 * {@code vdpa_sim_blk}; {@code capacity}, {@code file} (a backing file, created sparse if absent),
 * {@code ro} and {@code num_queues} change that. Thread-safe through its {@link DeviceTable}.
 */
final class SimBlkManager implements VdpaMgmtDevice {
  /** The management device handle. */
  static final String HANDLE = "vdpasim_blk";
  /** Every feature a simulated block device implements. */
  static final long SUPPORTED_FEATURES = VirtioBlk.bit(VirtioBlk.F_SIZE_MAX) | VirtioBlk.bit(VirtioBlk.F_SEG_MAX)
      | VirtioBlk.bit(VirtioBlk.F_RO) | VirtioBlk.bit(VirtioBlk.F_BLK_SIZE) | VirtioBlk.bit(VirtioBlk.F_FLUSH) | VirtioBlk.bit(VirtioBlk.F_TOPOLOGY)
      | VirtioBlk.bit(VirtioBlk.F_MQ) | VirtioBlk.bit(VirtioBlk.F_DISCARD) | VirtioBlk.bit(VirtioBlk.F_WRITE_ZEROES)
      | 1L << 28 | 1L << 29 | 1L << DevConfig.F_VERSION_1 | 1L << 33 | 1L << 34;

  private final EventLog log;
  private final DeviceTable<SimBlkDevice> table;
  /**
   * Files of devices being deleted and not closed yet: the device leaves the bus before its disk is
   * closed, so a new device on the same file waits for the close. Guarded by {@code closing}.
   */
  private final Set<Path> closing = new HashSet<>();

  SimBlkManager(DeviceTable.Publisher publisher, EventLog log) {
    this.log = log;
    this.table = new DeviceTable<>(HANDLE, publisher, log);
  }

  @Override
  public String handle() {
    return HANDLE;
  }

  @Override
  public Set<String> supportedClasses() {
    return Set.of("block");
  }

  @Override
  public long supportedFeatures() {
    return SUPPORTED_FEATURES;
  }

  @Override
  public int maxSupportedVqs() {
    return BlkSpec.MAX_QUEUES;
  }

  @Override
  public Set<DevAttr> acceptedAttributes() {
    return EnumSet.of(DevAttr.DEVICE_FEATURES, DevAttr.CAPACITY, DevAttr.FILE, DevAttr.READ_ONLY, DevAttr.NUM_QUEUES);
  }

  /**
   * Checks a configuration and fills in the defaults; looks at a backing file but changes nothing.
   * Read-only comes from {@code ro} or from {@code RO} in {@code device_features}; either way the
   * device offers {@code RO}.
   */
  BlkSpec resolve(DevConfig c) {
    VdpaMgmtDevice.super.validate(c);
    long ro = VirtioBlk.bit(VirtioBlk.F_RO);
    boolean readOnly = Boolean.TRUE.equals(c.readOnly())
        || (c.deviceFeatures() != null && (c.deviceFeatures() & ro) != 0);
    long features = (c.deviceFeatures() != null ? c.deviceFeatures() : SUPPORTED_FEATURES) & ~ro | (readOnly ? ro : 0);
    int numQueues = c.numQueues() != null ? c.numQueues() : 1;
    if (numQueues > 1 && (features & VirtioBlk.bit(VirtioBlk.F_MQ)) == 0) {
      throw new IllegalArgumentException("num_queues " + numQueues + " needs feature MQ, which device_features 0x"
          + Long.toHexString(features) + " lack");
    }
    Path file = c.file() == null ? null : Path.of(c.file());
    if (file != null) {
      awaitClosed(file);
      String user = fileUser(file);
      if (user != null) {
        throw new IllegalArgumentException("file " + file + " is in use by device " + user);
      }
    }
    long bytes = file == null ? (c.capacity() != null ? c.capacity() : BlkSpec.DEFAULT_SECTORS * VirtioBlk.SECTOR)
        : FileDisk.inspect(file, c.capacity(), readOnly, BlkSpec.DEFAULT_SECTORS * VirtioBlk.SECTOR);
    return new BlkSpec(c.name(), bytes / VirtioBlk.SECTOR, numQueues, features, file, readOnly);
  }

  /** The device of this manager that has the file open, or null. */
  private String fileUser(Path file) {
    for (String n : table.names()) {
      SimBlkDevice d = table.find(n);
      if (d != null && file.equals(d.spec().file())) {
        return n;
      }
    }
    return null;
  }

  @Override
  public void validate(DevConfig config) {
    resolve(config);
  }

  @Override
  public VdpaDevice devAdd(DevConfig config) {
    BlkSpec spec = resolve(config);
    long bytes = spec.capacitySectors() * VirtioBlk.SECTOR;
    Disk disk = spec.file() == null ? new RamDisk(bytes) : FileDisk.open(spec.file(), bytes, spec.readOnly());
    try {
      return table.add(new SimBlkDevice(spec, disk, log), "device " + spec.name() + " created: block, capacity "
          + spec.capacitySectors() + " sectors (" + (bytes >> 20) + " MiB) on "
          + (spec.file() == null ? "memory" : "file " + spec.file()) + (spec.readOnly() ? ", read-only" : "") + ", "
          + spec.numQueues() + " request queue(s), features " + VirtioBlk.featureNames(spec.features()));
    } catch (RuntimeException e) {
      disk.discard();
      throw e;
    }
  }

  @Override
  public void devDel(String name) {
    SimBlkDevice d = table.find(name);
    Path file = d == null ? null : d.spec().file();
    if (file != null) {
      synchronized (closing) {
        closing.add(file);
      }
    }
    try {
      table.delete(name, x -> { });
    } finally {
      if (d != null) {
        d.closeDisk(); // after the reset: no worker touches the disk any more
      }
      if (file != null) {
        synchronized (closing) {
          closing.remove(file);
          closing.notifyAll();
        }
      }
    }
  }

  /** Waits (a few seconds at most) until a deleted device has closed this file. */
  private void awaitClosed(Path file) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    synchronized (closing) {
      while (closing.contains(file)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new IllegalArgumentException("file " + file + " is still being closed by a deleted device");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(closing, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalArgumentException("interrupted waiting for file " + file + " to be closed");
        }
      }
    }
  }

  @Override
  public List<String> devices() {
    return table.names();
  }

  /** Deletes every device (the bundle stops). */
  void close() {
    List<SimBlkDevice> all = new ArrayList<>();
    for (String n : table.names()) {
      SimBlkDevice d = table.find(n);
      if (d != null) {
        all.add(d);
      }
    }
    table.close(d -> { });
    all.forEach(SimBlkDevice::closeDisk);
  }
}
