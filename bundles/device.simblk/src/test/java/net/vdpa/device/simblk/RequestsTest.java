package net.vdpa.device.simblk;

import static net.vdpa.api.blk.VirtioBlk.S_OK;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.vdpa.api.DevConfig;
import net.vdpa.api.blk.VirtioBlk;
import org.junit.jupiter.api.Test;

/** The request contract on a RAM disk, and what only a RAM disk promises. */
class RequestsTest extends BlkRequestsContract {
  @Override
  protected DevConfig config(String name, boolean readOnly) {
    return new DevConfig(name, null, null, null, null, null, null, readOnly);
  }

  @Override
  protected ByteBuffer roContents(int len) {
    return ByteBuffer.allocate(len);
  }

  @Test
  void onlyWrittenChunksTakeMemory() {
    BlkDriver d = driver();
    assertThat(d.request(VirtioBlk.T_OUT, 100, 8192, false)[0]).isEqualTo(S_OK);
    assertThat(d.request(VirtioBlk.T_OUT, sectors - 16, 8192, false)[0]).isEqualTo(S_OK);
    assertThat(d.request(VirtioBlk.T_OUT, sectors, 512, false)[0]).as("refused").isNotEqualTo(S_OK);
    assertThat(dev.allocatedBytes()).isEqualTo(2L * RamDisk.CHUNK);
  }
}
