package net.vdpa.driver.virtioblk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockStats;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.ring.driver.DriverMemory;

/**
 * A block device driven through its request queues: negotiation (what this driver understands of
 * what the device offers), the config read once, one {@link BlkQueue} per request queue in memory
 * of its own mapped into the device, DRIVER_OK. {@link #stop()} ends every request in flight.
 */
final class BlkDisk implements BlockDevice {
  /** Where the driver's memory starts in IOVA space. */
  static final long BASE = 0x1_0000_0000L;
  /** The longest transfer of one request. */
  static final int MAX_TRANSFER = 128 * 1024;
  private static final long UNDERSTOOD = VirtioBlk.bit(VirtioBlk.F_SIZE_MAX) | VirtioBlk.bit(VirtioBlk.F_SEG_MAX)
      | VirtioBlk.bit(VirtioBlk.F_RO) | VirtioBlk.bit(VirtioBlk.F_BLK_SIZE) | VirtioBlk.bit(VirtioBlk.F_FLUSH)
      | VirtioBlk.bit(VirtioBlk.F_MQ) | VirtioBlk.bit(VirtioBlk.F_DISCARD) | VirtioBlk.bit(VirtioBlk.F_WRITE_ZEROES)
      | 1L << 32 | 1L << 33;

  private final String name;
  private final VdpaDevice device;
  private final DriverMemory mem;
  private final BlkQueue[] queues;
  private final long capacity;
  private final int blockSize;
  private final boolean readOnly;
  private final boolean canFlush;
  /** The longest DISCARD and WRITE_ZEROES in bytes; 0 where the device does not offer it. */
  private final long maxDiscard;
  private final long maxWriteZeroes;

  private BlkDisk(String name, VdpaDevice device, long features) {
    this.name = name;
    this.device = device;
    ByteBuffer cfg = ByteBuffer.allocate(VirtioBlk.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    device.getConfig(0, cfg.duplicate().limit(Math.min(VirtioBlk.CFG_SIZE, device.configSize())));
    this.capacity = cfg.getLong(VirtioBlk.CFG_CAPACITY) * VirtioBlk.SECTOR;
    boolean hasBlkSize = (features & VirtioBlk.bit(VirtioBlk.F_BLK_SIZE)) != 0;
    this.blockSize = hasBlkSize ? Math.max(VirtioBlk.SECTOR, cfg.getInt(VirtioBlk.CFG_BLK_SIZE)) : VirtioBlk.SECTOR;
    this.readOnly = (features & VirtioBlk.bit(VirtioBlk.F_RO)) != 0;
    this.canFlush = (features & VirtioBlk.bit(VirtioBlk.F_FLUSH)) != 0;
    this.maxDiscard = rangeLimit(features, VirtioBlk.F_DISCARD, cfg.getInt(VirtioBlk.CFG_MAX_DISCARD_SECTORS));
    this.maxWriteZeroes = rangeLimit(features, VirtioBlk.F_WRITE_ZEROES,
        cfg.getInt(VirtioBlk.CFG_MAX_WRITE_ZEROES_SECTORS));
    int n = (features & VirtioBlk.bit(VirtioBlk.F_MQ)) != 0
        ? Math.max(1, Math.min(device.vqCount(), Short.toUnsignedInt(cfg.getShort(VirtioBlk.CFG_NUM_QUEUES)))) : 1;
    int size = Math.min(128, Integer.highestOneBit(device.vqNumMax()));
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      bytes += BlkQueue.footprint(size, MAX_TRANSFER);
    }
    this.mem = new DriverMemory(BASE, (int) bytes);
    this.queues = new BlkQueue[n];
    for (int i = 0; i < n; i++) {
      queues[i] = new BlkQueue(i, device, mem, size, features, MAX_TRANSFER);
    }
  }

  /** A range request's limit in bytes, whole blocks: 0 without the feature or with a limit of 0 sectors. */
  private long rangeLimit(long features, int feature, int maxSectors) {
    if ((features & VirtioBlk.bit(feature)) == 0) {
      return 0;
    }
    long bytes = Integer.toUnsignedLong(maxSectors) * VirtioBlk.SECTOR;
    return bytes - bytes % blockSize;
  }

  /**
   * Negotiates with a device in the reset state and starts it.
   *
   * @param name the block device's name
   * @param device the device
   * @return the running disk
   * @throws IllegalStateException if the device refuses (the message says why); it is reset then
   */
  static BlkDisk start(String name, VdpaDevice device) {
    long features = device.deviceFeatures() & UNDERSTOOD;
    if ((features & 1L << 32) == 0) {
      throw new IllegalStateException("device " + device.name() + " does not offer VERSION_1");
    }
    device.reset();
    device.setStatus(VirtioStatus.ACKNOWLEDGE);
    device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
    device.setDriverFeatures(features);
    device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
    if ((device.status() & VirtioStatus.FEATURES_OK) == 0) {
      device.reset();
      throw new IllegalStateException("device " + device.name() + " refused features 0x" + Long.toHexString(features));
    }
    BlkDisk disk = new BlkDisk(name, device, features);
    try {
      device.dmaMap(BASE, disk.mem.buffer().duplicate().clear(), VdpaDevice.DMA_READ_WRITE);
      for (BlkQueue q : disk.queues) {
        q.setUp();
      }
      device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK
          | VirtioStatus.DRIVER_OK);
    } catch (RuntimeException e) {
      device.reset();
      throw e;
    }
    return disk;
  }

  /** Resets the device and ends every request in flight with DOWN. */
  void stop() {
    for (BlkQueue q : queues) {
      q.stop();
    }
    device.reset();
  }

  private Submit check(int queue, long offset, long len, boolean write) {
    return outside(queue, offset, len) || len > MAX_TRANSFER || (write && readOnly) ? Submit.INVALID : null;
  }

  /** Whether the queue does not exist or the range is not whole blocks on the device. */
  private boolean outside(int queue, long offset, long len) {
    return queue < 0 || queue >= queues.length || offset < 0 || offset % blockSize != 0 || len % blockSize != 0
        || offset > capacity - len;
  }

  @Override
  public Submit read(int queue, long offset, ByteBuffer dst, long tag, Completion done) {
    Submit bad = check(queue, offset, dst.remaining(), false);
    return bad != null ? bad : queues[queue].submit(VirtioBlk.T_IN, offset / VirtioBlk.SECTOR, dst, tag, done);
  }

  @Override
  public Submit write(int queue, long offset, ByteBuffer src, long tag, Completion done) {
    Submit bad = check(queue, offset, src.remaining(), true);
    return bad != null ? bad : queues[queue].submit(VirtioBlk.T_OUT, offset / VirtioBlk.SECTOR, src, tag, done);
  }

  @Override
  public Submit discard(int queue, long offset, long length, long tag, Completion done) {
    return range(VirtioBlk.T_DISCARD, maxDiscard, queue, offset, length, 0, tag, done);
  }

  @Override
  public Submit writeZeroes(int queue, long offset, long length, boolean unmap, long tag, Completion done) {
    return range(VirtioBlk.T_WRITE_ZEROES, maxWriteZeroes, queue, offset, length,
        unmap ? VirtioBlk.WRITE_ZEROES_FLAG_UNMAP : 0, tag, done);
  }

  private Submit range(int type, long max, int queue, long offset, long length, int flags, long tag, Completion done) {
    if (length < 1 || length > max || readOnly || outside(queue, offset, length)) {
      return Submit.INVALID;
    }
    return queues[queue].submitRange(type, offset / VirtioBlk.SECTOR, length / VirtioBlk.SECTOR, flags, tag, done);
  }

  @Override
  public long maxDiscard() {
    return maxDiscard;
  }

  @Override
  public long maxWriteZeroes() {
    return maxWriteZeroes;
  }

  @Override
  public void plug(int queue) {
    queue(queue).plug();
  }

  @Override
  public void unplug(int queue) {
    queue(queue).unplug();
  }

  private BlkQueue queue(int queue) {
    if (queue < 0 || queue >= queues.length) {
      throw new IllegalArgumentException("queue " + queue + " is outside 0.." + (queues.length - 1));
    }
    return queues[queue];
  }

  @Override
  public Submit flush(int queue, long tag, Completion done) {
    if (queue < 0 || queue >= queues.length) {
      return Submit.INVALID;
    }
    if (!canFlush) {
      done.done(tag, BlockStatus.OK); // no volatile cache to flush
      return Submit.QUEUED;
    }
    return queues[queue].submit(VirtioBlk.T_FLUSH, 0, null, tag, done);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String device() {
    return device.name();
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public int blockSize() {
    return blockSize;
  }

  @Override
  public int maxTransfer() {
    return MAX_TRANSFER;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public int queues() {
    return queues.length;
  }

  @Override
  public BlockStats stats() {
    BlockStats s = queues[0].stats();
    for (int i = 1; i < queues.length; i++) {
      s = BlkCounters.sum(s, queues[i].stats());
    }
    return s;
  }

  @Override
  public BlockStats stats(int queue) {
    return queue(queue).stats();
  }
}
