package net.vdpa.device.simblk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;

/**
 * A minimal virtio-blk driver for tests: its own memory mapped into the device, one request queue,
 * one request at a time (header, data, status), waiting for the device to use it.
 */
final class BlkDriver {
  static final long IOVA = 0x10_0000L;
  private final VdpaDevice dev;
  private final DriverMemory mem = new DriverMemory(IOVA, 4 << 20);
  private final DriverRing ring;
  private final long hdr;
  private final long data;
  private final long status;

  BlkDriver(VdpaDevice dev, long features) {
    this.dev = dev;
    dev.setStatus(VirtioStatus.ACKNOWLEDGE);
    dev.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
    dev.setDriverFeatures(features);
    dev.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
    dev.dmaMap(IOVA, mem.buffer().duplicate().clear(), VdpaDevice.DMA_READ_WRITE);
    ring = DriverRing.create(mem, 64, false, features);
    dev.setVqNum(0, 64);
    dev.setVqAddress(0, ring.config().descAddr(), ring.config().driverAddr(), ring.config().deviceAddr());
    dev.setVqReady(0, true);
    dev.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK | VirtioStatus.DRIVER_OK);
    hdr = mem.allocate(64, 64);
    data = mem.allocate(2 << 20, 4096);
    status = mem.allocate(64, 64);
  }

  /**
   * Sends a chain whose header lies outside the device's DMA map (a malformed request) without
   * waiting: the device must stop the queue and ask for a reset.
   */
  void sendOutsideTheMap() {
    DriverQueue q = ring.queue();
    long outside = IOVA + (8L << 20);
    assertThat(q.add(new long[] {outside, status}, new int[] {VirtioBlk.HDR_LEN, 1}, 1, 1)).isNotEqualTo(DriverQueue.FULL);
    q.publish();
    dev.kickVq(0);
  }

  /** The data area, for filling or checking. */
  ByteBuffer data() {
    return mem.buffer().slice(mem.offset(data), 2 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Sends one request and waits for it.
   *
   * @param type the request type
   * @param sector the header's sector
   * @param len data bytes (readable for OUT/DISCARD/WRITE_ZEROES, writable for IN/GET_ID)
   * @param deviceWritesData true for IN and GET_ID
   * @return {status, used length}
   */
  int[] request(int type, long sector, int len, boolean deviceWritesData) {
    ByteBuffer b = mem.buffer();
    b.putInt(mem.offset(hdr), type).putInt(mem.offset(hdr) + 4, 0).putLong(mem.offset(hdr) + 8, sector);
    b.put(mem.offset(status), (byte) 0x7f);
    DriverQueue q = ring.queue();
    long[] addrs = len > 0 ? new long[] {hdr, data, status} : new long[] {hdr, status};
    int[] lens = len > 0 ? new int[] {VirtioBlk.HDR_LEN, len, 1} : new int[] {VirtioBlk.HDR_LEN, 1};
    int readable = len > 0 && !deviceWritesData ? 2 : 1;
    assertThat(q.add(addrs, lens, readable, addrs.length - readable)).isNotEqualTo(DriverQueue.FULL);
    q.publish();
    dev.kickVq(0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long used;
    while ((used = q.pollUsed()) == DriverQueue.EMPTY) {
      assertThat(System.nanoTime()).as("the device used the request in time").isLessThan(deadline);
      Thread.onSpinWait();
    }
    return new int[] {b.get(mem.offset(status)) & 0xff, DriverQueue.usedLength(used)};
  }
}
