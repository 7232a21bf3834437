package net.vdpa.shell;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.net.VirtioNet;

/** Reads what {@code vdpa:dev config show} and {@code vdpa:dev vstats show} show from a device. */
final class DeviceViews {
  private DeviceViews() {}

  /** A network device's config space and negotiated features. */
  static Views.Config config(String name, VdpaDevice dev) {
    ByteBuffer cfg = ByteBuffer.allocate(VirtioNet.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    dev.getConfig(0, cfg.duplicate().limit(Math.min(VirtioNet.CFG_SIZE, dev.configSize())));
    byte[] mac = new byte[6];
    cfg.get(VirtioNet.CFG_MAC, mac);
    int status = Short.toUnsignedInt(cfg.getShort(VirtioNet.CFG_STATUS));
    long negotiated = (dev.status() & VirtioStatus.FEATURES_OK) != 0 ? dev.driverFeatures() : -1;
    long offered = dev.deviceFeatures();
    boolean hasStatus = (offered & VirtioNet.bit(VirtioNet.F_STATUS)) != 0;
    // as Linux fills VDPA_ATTR_DEV_NET_CFG_MAX_VQP: only for a device offering MQ or RSS
    boolean multiqueue = (offered & (VirtioNet.bit(VirtioNet.F_MQ) | VirtioNet.bit(VirtioNet.F_RSS))) != 0;
    return new Views.Config(name, MacAddress.of(mac), !hasStatus || (status & VirtioNet.S_LINK_UP) != 0,
        (status & VirtioNet.S_ANNOUNCE) != 0, multiqueue ? Short.toUnsignedInt(cfg.getShort(VirtioNet.CFG_MAX_VQ_PAIRS)) : -1,
        Short.toUnsignedInt(cfg.getShort(VirtioNet.CFG_MTU)), negotiated);
  }

  /** A block device's config space and negotiated features. */
  static Views.BlkConfig blkConfig(String name, VdpaDevice dev) {
    ByteBuffer cfg = ByteBuffer.allocate(VirtioBlk.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    dev.getConfig(0, cfg.duplicate().limit(Math.min(VirtioBlk.CFG_SIZE, dev.configSize())));
    long negotiated = (dev.status() & VirtioStatus.FEATURES_OK) != 0 ? dev.driverFeatures() : -1;
    return new Views.BlkConfig(name, cfg.getLong(VirtioBlk.CFG_CAPACITY), cfg.getInt(VirtioBlk.CFG_BLK_SIZE),
        cfg.getInt(VirtioBlk.CFG_SEG_MAX), cfg.getInt(VirtioBlk.CFG_SIZE_MAX),
        Short.toUnsignedInt(cfg.getShort(VirtioBlk.CFG_NUM_QUEUES)),
        Integer.toUnsignedLong(cfg.getInt(VirtioBlk.CFG_MAX_DISCARD_SECTORS)),
        Integer.toUnsignedLong(cfg.getInt(VirtioBlk.CFG_MAX_WRITE_ZEROES_SECTORS)), negotiated);
  }

  /** What queue {@code qidx} of the device carries: rx, tx, control_vq, or vq for other device kinds. */
  static String queueType(VdpaDevice dev, int qidx) {
    if (dev.deviceId() != VdpaDevice.ID_NET) {
      return "vq";
    }
    boolean ctrl = (dev.deviceFeatures() & VirtioNet.bit(VirtioNet.F_CTRL_VQ)) != 0;
    if (ctrl && qidx == dev.vqCount() - 1) {
      return "control_vq";
    }
    return qidx % 2 == 0 ? "rx" : "tx";
  }
}
