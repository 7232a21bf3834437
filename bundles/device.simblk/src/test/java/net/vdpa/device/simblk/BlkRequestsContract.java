package net.vdpa.device.simblk;

import static net.vdpa.api.blk.VirtioBlk.S_IOERR;
import static net.vdpa.api.blk.VirtioBlk.S_OK;
import static net.vdpa.api.blk.VirtioBlk.S_UNSUPP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.log.EventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every request type and every bad case, through a real ring against the device; one subclass per
 * kind of disk ({@link RequestsTest} memory, {@link FileRequestsTest} a file).
 */
abstract class BlkRequestsContract {
  protected final SimBlkManager m = new SimBlkManager((d, p) -> () -> { }, EventLog.NONE);
  protected SimBlkDevice dev;
  protected long sectors;

  /** The device the tests run on, named {@code name}, read-only if {@code readOnly}. */
  protected abstract DevConfig config(String name, boolean readOnly);

  @BeforeEach
  void create() {
    dev = (SimBlkDevice) m.devAdd(config("blk0", false));
    sectors = dev.spec().capacitySectors();
  }

  @AfterEach
  void close() {
    m.close();
  }

  /** The first bytes a read-only device made by {@link #config} holds. */
  protected abstract ByteBuffer roContents(int len);

  protected BlkDriver driver() {
    return driver(dev);
  }

  protected static BlkDriver driver(SimBlkDevice d) {
    return new BlkDriver(d, d.spec().features() & ~(1L << 34));
  }

  protected static void fill(ByteBuffer b, int len, int seed) {
    for (int i = 0; i < len; i++) {
      b.put(i, (byte) (seed * 7 + i * 13));
    }
  }

  @Test
  void whatIsWrittenIsReadBack() {
    BlkDriver d = driver();
    fill(d.data(), 8192, 1);
    assertThat(d.request(VirtioBlk.T_OUT, 100, 8192, false)).containsExactly(S_OK, 1);
    fill(d.data(), 8192, 2);
    assertThat(d.request(VirtioBlk.T_OUT, sectors - 16, 8192, false)).as("the last 16 sectors").containsExactly(S_OK, 1);
    d.data().put(0, new byte[8192]);
    assertThat(d.request(VirtioBlk.T_IN, 100, 8192, true)).containsExactly(S_OK, 8193);
    ByteBuffer expected = ByteBuffer.allocate(8192);
    fill(expected, 8192, 1);
    assertThat(d.data().slice(0, 8192)).isEqualTo(expected);
    assertThat(d.request(VirtioBlk.T_IN, 5000, 4096, true)).containsExactly(S_OK, 4097);
    assertThat(d.data().slice(0, 4096)).as("never written reads zeros").isEqualTo(ByteBuffer.allocate(4096));
    assertThat(dev.vendorVqStats(0)).containsEntry("write_ops", 2L).containsEntry("read_ops", 2L)
        .containsEntry("write_bytes", 16384L).containsEntry("read_bytes", 12288L);
  }

  @Test
  void outOfRangeAndMisalignedRequestsGetIoerrAndTouchNothing() {
    BlkDriver d = driver();
    assertThat(d.request(VirtioBlk.T_OUT, sectors - 1, 1024, false)[0]).as("past the end").isEqualTo(S_IOERR);
    assertThat(d.request(VirtioBlk.T_IN, sectors, 512, true)[0]).as("starts at the end").isEqualTo(S_IOERR);
    assertThat(d.request(VirtioBlk.T_OUT, -1L, 512, false)[0]).as("sector 2^64-1").isEqualTo(S_IOERR);
    assertThat(d.request(VirtioBlk.T_OUT, 0, 100, false)[0]).as("not whole sectors").isEqualTo(S_IOERR);
    assertThat(d.request(VirtioBlk.T_IN, 0, 1000, true)[0]).as("a read of part of a sector").isEqualTo(S_IOERR);
    d.request(VirtioBlk.T_IN, 0, 4096, true);
    assertThat(d.data().slice(0, 4096)).as("nothing was written").isEqualTo(ByteBuffer.allocate(4096));
    assertThat(dev.vendorVqStats(0)).containsEntry("io_errors", 5L);
  }

  @Test
  void oversizedRequestsGetIoerr() {
    BlkDriver d = driver();
    assertThat(d.request(VirtioBlk.T_OUT, sectors - 2048, 2 << 20, false)[0]).as("2 MiB into the last MiB").isEqualTo(S_IOERR);
    ByteBuffer seg = d.data();
    seg.putLong(0, 0).putInt(8, BlkSpec.MAX_ZERO_SECTORS + 1).putInt(12, 0);
    assertThat(d.request(VirtioBlk.T_WRITE_ZEROES, 0, 16, false)[0]).as("above max_write_zeroes_sectors").isEqualTo(S_IOERR);
    assertThat(d.request(VirtioBlk.T_DISCARD, 0, 16 * (BlkSpec.MAX_ZERO_SEGMENTS + 1), false)[0])
        .as("above max_discard_seg").isEqualTo(S_IOERR);
    assertThat(dev.vendorVqStats(0)).containsEntry("io_errors", 3L).containsEntry("write_ops", 0L);
  }

  @Test
  void aReadOnlyDeviceRefusesWritesAndServesReads() {
    SimBlkDevice ro = (SimBlkDevice) m.devAdd(config("blkro", true));
    assertThat(VirtioBlk.featureNames(ro.deviceFeatures())).contains("RO");
    BlkDriver d = driver(ro);
    fill(d.data(), 4096, 5);
    assertThat(d.request(VirtioBlk.T_OUT, 0, 4096, false)[0]).isEqualTo(S_IOERR);
    d.data().putLong(0, 0).putInt(8, 8).putInt(12, 0);
    assertThat(d.request(VirtioBlk.T_WRITE_ZEROES, 0, 16, false)[0]).isEqualTo(S_IOERR);
    assertThat(d.request(VirtioBlk.T_DISCARD, 0, 16, false)[0]).isEqualTo(S_IOERR);
    assertThat(d.request(VirtioBlk.T_IN, 0, 4096, true)).containsExactly(S_OK, 4097);
    assertThat(d.request(VirtioBlk.T_FLUSH, 0, 0, false)).containsExactly(S_OK, 1);
    assertThat(ro.vendorVqStats(0)).containsEntry("io_errors", 3L).containsEntry("write_ops", 0L);
    assertThat(d.data().slice(0, 4096)).as("what the disk held before").isEqualTo(roContents(4096));
  }

  @Test
  void aMalformedChainSetsNeedsResetAndIsNeverUsed() throws InterruptedException {
    BlkDriver d = driver();
    CountDownLatch seen = new CountDownLatch(1);
    dev.setConfigCallback(() -> {
      if ((dev.status() & VirtioStatus.DEVICE_NEEDS_RESET) != 0) {
        seen.countDown();
      }
    });
    d.sendOutsideTheMap();
    assertThat((dev.status() & VirtioStatus.DEVICE_NEEDS_RESET) != 0 || seen.await(5, TimeUnit.SECONDS))
        .as("DEVICE_NEEDS_RESET after a header outside the map").isTrue();
    assertThat(dev.vendorVqStats(0)).as("nothing used").containsEntry("completed_desc", 0L);
  }

  @Test
  void unknownTypesAndFlagsGetUnsupp() {
    BlkDriver d = driver();
    assertThat(d.request(99, 0, 0, false)[0]).isEqualTo(S_UNSUPP);
    ByteBuffer seg = d.data();
    seg.putLong(0, 0).putInt(8, 8).putInt(12, VirtioBlk.WRITE_ZEROES_FLAG_UNMAP);
    assertThat(d.request(VirtioBlk.T_DISCARD, 0, 16, false)[0]).as("DISCARD takes no flags").isEqualTo(S_UNSUPP);
    assertThat(dev.vendorVqStats(0)).containsEntry("unsupported", 2L);
  }

  @Test
  void flushGetIdDiscardAndWriteZeroes() {
    BlkDriver d = driver();
    assertThat(d.request(VirtioBlk.T_FLUSH, 0, 0, false)).containsExactly(S_OK, 1);
    assertThat(d.request(VirtioBlk.T_GET_ID, 0, VirtioBlk.ID_BYTES, true)).containsExactly(S_OK, 21);
    assertThat(StandardCharsets.US_ASCII.decode(d.data().slice(0, 16)).toString()).isEqualTo("vdpasim_blk:blk0");
    fill(d.data(), 4096, 3);
    assertThat(d.request(VirtioBlk.T_OUT, 8, 4096, false)[0]).isEqualTo(S_OK);
    ByteBuffer seg = d.data();
    seg.putLong(0, 9).putInt(8, 2).putInt(12, 0);
    assertThat(d.request(VirtioBlk.T_WRITE_ZEROES, 0, 16, false)[0]).isEqualTo(S_OK);
    assertThat(d.request(VirtioBlk.T_IN, 8, 4096, true)[0]).isEqualTo(S_OK);
    ByteBuffer expected = ByteBuffer.allocate(4096);
    fill(expected, 4096, 3);
    for (int i = 512; i < 1536; i++) {
      expected.put(i, (byte) 0);
    }
    assertThat(d.data().slice(0, 4096)).isEqualTo(expected);
    seg.putLong(0, sectors - 1).putInt(8, 2).putInt(12, 0);
    assertThat(d.request(VirtioBlk.T_DISCARD, 0, 16, false)[0]).as("a range past the end").isEqualTo(S_IOERR);
    assertThat(d.request(VirtioBlk.T_DISCARD, 0, 15, false)[0]).as("half a segment").isEqualTo(S_IOERR);
  }

  @Test
  void theDiskOutlivesADriverReset() {
    BlkDriver d = driver();
    fill(d.data(), 512, 9);
    assertThat(d.request(VirtioBlk.T_OUT, 42, 512, false)[0]).isEqualTo(S_OK);
    dev.reset();
    BlkDriver again = driver();
    assertThat(again.request(VirtioBlk.T_IN, 42, 512, true)[0]).isEqualTo(S_OK);
    ByteBuffer expected = ByteBuffer.allocate(512);
    fill(expected, 512, 9);
    assertThat(again.data().slice(0, 512)).isEqualTo(expected);
  }
}
