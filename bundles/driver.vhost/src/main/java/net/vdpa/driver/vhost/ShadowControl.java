package net.vdpa.driver.vhost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.driver.CommandQueue;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;

/**
 * The backend's own control queue to a multiqueue device. A vhost-user frontend keeps the virtio-net
 * control queue to itself (QEMU and virtio-user answer the guest's commands) and tells the backend
 * only which rings to run; but a virtio-net device serves more than one queue pair only after
 * {@code VQ_PAIRS_SET} on its control queue (virtio 1.2 §5.1.6.5.5). So when MQ is negotiated the
 * backend lays a small control ring out in memory of its own, maps it into the device just above the
 * frontend's memory, and tells the device how many pairs the frontend enabled: what QEMU's shadow
 * control queue does for vhost-vdpa.
 *
 * <p>Set up once per device start (a reset drops the device's mappings and rings); confined to the
 * session's monitor.
 */
final class ShadowControl {
  /** Entries of the control ring: one command is in flight at a time. */
  private static final int SIZE = 8;
  private static final int MAX_REQUEST = 16;
  private static final long ALIGN = 2L << 20;
  private static final long TIMEOUT_MILLIS = 2000;

  private final VdpaDevice device;
  private final CommandQueue commands;
  private final long base;
  private final int size;

  private ShadowControl(VdpaDevice device, CommandQueue commands, long base, int size) {
    this.device = device;
    this.commands = commands;
    this.base = base;
    this.size = size;
  }

  /**
   * Whether the backend can offer MQ for a device: the device offers MQ and a control queue.
   *
   * @param device the device
   * @return true if both are offered
   */
  static boolean usable(VdpaDevice device) {
    long need = VirtioNet.bit(VirtioNet.F_MQ) | VirtioNet.bit(VirtioNet.F_CTRL_VQ);
    return (device.deviceFeatures() & need) == need;
  }

  /**
   * The queue pairs a frontend may use: the device's {@code max_virtqueue_pairs} when MQ is usable,
   * else 1, and never more than its virtqueues hold.
   *
   * @param device the device
   * @return 1 or more
   */
  static int queuePairs(VdpaDevice device) {
    if (!usable(device)) {
      return 1;
    }
    int byQueues = Math.max(1, (device.vqCount() - 1) / 2);
    ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
    device.getConfig(VirtioNet.CFG_MAX_VQ_PAIRS, b);
    int max = Short.toUnsignedInt(b.getShort(0));
    return Math.max(1, Math.min(max, byQueues));
  }

  /**
   * Lays the control ring out and tells the device where it is (between FEATURES_OK and DRIVER_OK).
   *
   * @param device the device, features set
   * @param pairs the device's queue pairs (the control queue's index is twice that)
   * @param above the end of the frontend's memory in IOVA space: the ring goes above it
   * @param packed whether RING_PACKED was negotiated
   * @param features the negotiated features
   * @return the control queue
   * @throws IllegalStateException if the device cannot reach memory above the frontend's
   */
  static ShadowControl setUp(VdpaDevice device, int pairs, long above, boolean packed, long features) {
    int entries = Math.min(SIZE, Integer.highestOneBit(device.vqNumMax()));
    long base = (above + ALIGN - 1) & -ALIGN;
    int size = (int) (DriverRing.footprint(entries, packed) + CommandQueue.footprint(MAX_REQUEST));
    if (!device.iovaRange().contains(base, size)) {
      throw new IllegalStateException("device " + device.name() + " cannot translate IOVAs 0x" + Long.toHexString(base)
          + "+" + size + " for the backend's control queue (its range is " + device.iovaRange() + ")");
    }
    DriverMemory mem = new DriverMemory(base, size);
    DriverRing ring = DriverRing.create(mem, entries, packed, features);
    int index = 2 * pairs;
    device.dmaMap(base, mem.buffer().duplicate().clear(), VdpaDevice.DMA_READ_WRITE);
    device.setVqNum(index, entries);
    device.setVqAddress(index, ring.config().descAddr(), ring.config().driverAddr(), ring.config().deviceAddr());
    CommandQueue commands = new CommandQueue(ring, mem, MAX_REQUEST, () -> device.kickVq(index));
    device.setVqCallback(index, i -> commands.used());
    device.setVqReady(index, true);
    return new ShadowControl(device, commands, base, size);
  }

  /**
   * Tells the running device how many queue pairs to serve.
   *
   * @param pairs 1 to the device's maximum
   * @throws IllegalStateException if the device refused or did not answer
   */
  void setPairs(int pairs) {
    byte[] cmd = {(byte) VirtioNet.CTRL_MQ, (byte) VirtioNet.CTRL_MQ_VQ_PAIRS_SET, (byte) pairs, (byte) (pairs >>> 8)};
    int status = commands.call(cmd, TIMEOUT_MILLIS);
    if (status != VirtioNet.CTRL_OK) {
      throw new IllegalStateException("device " + device.name() + " refused VQ_PAIRS_SET " + pairs + " (ack " + status
          + ")");
    }
  }

  /**
   * Where the control ring's memory is, for the log.
   *
   * @return {@code iova 0x...+N}
   */
  String describe() {
    return "iova 0x" + Long.toHexString(base) + "+" + size;
  }
}
