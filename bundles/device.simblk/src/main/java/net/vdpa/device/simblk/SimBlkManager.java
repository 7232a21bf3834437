package net.vdpa.device.simblk;

import java.util.EnumSet;
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
 * The {@code vdpasim_blk} management device: creates simulated block devices (128 MiB RAM disks,
 * one request queue, as Linux's {@code vdpa_sim_blk}) and publishes them; deletes them again.
 * Thread-safe through its {@link DeviceTable}.
 */
final class SimBlkManager implements VdpaMgmtDevice {
  /** The management device handle. */
  static final String HANDLE = "vdpasim_blk";
  /** Every feature a simulated block device implements. */
  static final long SUPPORTED_FEATURES = VirtioBlk.bit(VirtioBlk.F_SIZE_MAX) | VirtioBlk.bit(VirtioBlk.F_SEG_MAX)
      | VirtioBlk.bit(VirtioBlk.F_BLK_SIZE) | VirtioBlk.bit(VirtioBlk.F_FLUSH) | VirtioBlk.bit(VirtioBlk.F_TOPOLOGY)
      | VirtioBlk.bit(VirtioBlk.F_MQ) | VirtioBlk.bit(VirtioBlk.F_DISCARD) | VirtioBlk.bit(VirtioBlk.F_WRITE_ZEROES)
      | 1L << 28 | 1L << 29 | 1L << DevConfig.F_VERSION_1 | 1L << 33 | 1L << 34;

  private final EventLog log;
  private final DeviceTable<SimBlkDevice> table;

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
    return EnumSet.of(DevAttr.DEVICE_FEATURES);
  }

  /** Checks a configuration and fills in the defaults. */
  BlkSpec resolve(DevConfig c) {
    VdpaMgmtDevice.super.validate(c);
    long features = c.deviceFeatures() != null ? c.deviceFeatures() : SUPPORTED_FEATURES;
    return new BlkSpec(c.name(), BlkSpec.DEFAULT_SECTORS, 1, features);
  }

  @Override
  public void validate(DevConfig config) {
    resolve(config);
  }

  @Override
  public VdpaDevice devAdd(DevConfig config) {
    BlkSpec spec = resolve(config);
    return table.add(new SimBlkDevice(spec, log), "device " + spec.name() + " created: block, capacity "
        + spec.capacitySectors() + " sectors (" + (spec.capacitySectors() * VirtioBlk.SECTOR >> 20) + " MiB), "
        + spec.numQueues() + " request queue(s), features " + VirtioBlk.featureNames(spec.features()));
  }

  @Override
  public void devDel(String name) {
    table.delete(name, d -> { });
  }

  @Override
  public List<String> devices() {
    return table.names();
  }

  /** Deletes every device (the bundle stops). */
  void close() {
    table.close(d -> { });
  }
}
