package net.vdpa.device.simblk;

import static net.vdpa.api.blk.VirtioBlk.S_IOERR;
import static net.vdpa.api.blk.VirtioBlk.S_OK;
import static net.vdpa.api.blk.VirtioBlk.S_UNSUPP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.vdpa.api.DevConfig;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.log.EventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every request type and every bad case, through a real ring against the device. */
class RequestsTest {
  private final SimBlkManager m = new SimBlkManager((d, p) -> () -> { }, EventLog.NONE);
  private final SimBlkDevice dev = (SimBlkDevice) m.devAdd(DevConfig.named("blk0"));
  private final long sectors = BlkSpec.DEFAULT_SECTORS;

  @AfterEach
  void close() {
    m.close();
  }

  private BlkDriver driver() {
    return new BlkDriver(dev, SimBlkManager.SUPPORTED_FEATURES & ~(1L << 34));
  }

  private static void fill(ByteBuffer b, int len, int seed) {
    for (int i = 0; i < len; i++) {
      b.put(i, (byte) (seed * 7 + i * 13));
    }
  }

  @Test
  void whatIsWrittenIsReadBackAndOnlyWrittenChunksTakeMemory() {
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
    assertThat(dev.allocatedBytes()).isEqualTo(2L * Storage.CHUNK);
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
    assertThat(dev.allocatedBytes()).isZero();
    assertThat(dev.vendorVqStats(0)).containsEntry("io_errors", 4L);
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
