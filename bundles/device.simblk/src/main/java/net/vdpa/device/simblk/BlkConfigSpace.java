package net.vdpa.device.simblk;

import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.device.core.ConfigSpace;

/** {@code struct virtio_blk_config} (virtio 1.2 §5.2.4) laid out for a spec; only a resize changes it. */
final class BlkConfigSpace {
  private BlkConfigSpace() {}

  static ConfigSpace of(BlkSpec spec) {
    ConfigSpace c = new ConfigSpace(VirtioBlk.CFG_SIZE, "virtio-blk");
    c.init(b -> {
      b.putLong(VirtioBlk.CFG_CAPACITY, spec.capacitySectors());
      b.putInt(VirtioBlk.CFG_SIZE_MAX, BlkSpec.SIZE_MAX);
      b.putInt(VirtioBlk.CFG_SEG_MAX, BlkSpec.SEG_MAX);
      b.putInt(VirtioBlk.CFG_BLK_SIZE, VirtioBlk.SECTOR);
      b.put(VirtioBlk.CFG_PHYSICAL_BLOCK_EXP, (byte) 0);
      b.putShort(VirtioBlk.CFG_MIN_IO_SIZE, (short) 1);
      b.putInt(VirtioBlk.CFG_OPT_IO_SIZE, 8);
      b.putShort(VirtioBlk.CFG_NUM_QUEUES, (short) spec.numQueues());
      b.putInt(VirtioBlk.CFG_MAX_DISCARD_SECTORS, BlkSpec.MAX_ZERO_SECTORS);
      b.putInt(VirtioBlk.CFG_MAX_DISCARD_SEG, BlkSpec.MAX_ZERO_SEGMENTS);
      b.putInt(VirtioBlk.CFG_DISCARD_SECTOR_ALIGNMENT, 1);
      b.putInt(VirtioBlk.CFG_MAX_WRITE_ZEROES_SECTORS, BlkSpec.MAX_ZERO_SECTORS);
      b.putInt(VirtioBlk.CFG_MAX_WRITE_ZEROES_SEG, BlkSpec.MAX_ZERO_SEGMENTS);
      b.put(VirtioBlk.CFG_WRITE_ZEROES_MAY_UNMAP, (byte) 1);
    });
    return c;
  }
}
