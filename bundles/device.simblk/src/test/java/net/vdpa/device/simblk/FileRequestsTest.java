package net.vdpa.device.simblk;

import static net.vdpa.api.blk.VirtioBlk.S_OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.vdpa.api.DevConfig;
import net.vdpa.api.blk.VirtioBlk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request contract on a backing file, and what only a file promises: its bytes stay. */
class FileRequestsTest extends BlkRequestsContract {
  @TempDir
  Path tmp;

  @Override
  protected DevConfig config(String name, boolean readOnly) {
    Path file = tmp.resolve(name + ".img");
    if (readOnly) {
      ByteBuffer b = roContents(1 << 20);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(b);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    return new DevConfig(name, null, null, null, null, null, file.toString(), readOnly);
  }

  @Override
  protected ByteBuffer roContents(int len) {
    ByteBuffer b = ByteBuffer.allocate(len);
    fill(b, len, 11);
    return b;
  }

  private static ByteBuffer fileBytes(Path file, long off, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.read(b, off);
    }
    return b.flip();
  }

  private DevConfig file(String name, Long capacity, String file) {
    return new DevConfig(name, null, null, null, null, capacity, tmp.resolve(file).toString(), null);
  }

  @Test
  void aNewFileIsMadeAtTheCapacityAndItsBytesOutliveTheDevice() throws IOException {
    Path img = tmp.resolve("disk.img");
    SimBlkDevice d = (SimBlkDevice) m.devAdd(file("blk1", 64L << 20, "disk.img"));
    assertThat(Files.size(img)).isEqualTo(64L << 20);
    BlkDriver drv = driver(d);
    fill(drv.data(), 8192, 4);
    assertThat(drv.request(VirtioBlk.T_OUT, 2048, 8192, false)[0]).isEqualTo(S_OK);
    assertThat(drv.request(VirtioBlk.T_FLUSH, 0, 0, false)[0]).isEqualTo(S_OK);
    assertThat(d.vendorVqStats(0)).containsEntry("flush_ops", 1L);
    ByteBuffer expected = ByteBuffer.allocate(8192);
    fill(expected, 8192, 4);
    assertThat(fileBytes(img, 2048L * 512, 8192)).as("at sector 2048 of the file").isEqualTo(expected);
    m.devDel("blk1");
    assertThat(img).exists();

    SimBlkDevice again = (SimBlkDevice) m.devAdd(file("blk1", null, "disk.img"));
    assertThat(again.spec().capacitySectors()).as("the file's size").isEqualTo((64L << 20) / 512);
    BlkDriver drv2 = driver(again);
    assertThat(drv2.request(VirtioBlk.T_IN, 2048, 8192, true)[0]).isEqualTo(S_OK);
    assertThat(drv2.data().slice(0, 8192)).isEqualTo(expected);
  }

  @Test
  void badFilesAreRefusedInOneLineNamingTheValue() throws IOException {
    String dir = tmp.toString();
    m.devAdd(file("blk1", 1L << 20, "one.img"));
    Files.write(tmp.resolve("two.img"), new byte[1 << 20]);
    assertThatThrownBy(() -> m.devAdd(file("blk2", 2L << 20, "two.img")))
        .hasMessage("capacity 2097152 differs from the 1048576 bytes of file " + dir + "/two.img");
    assertThatThrownBy(() -> m.devAdd(file("blk2", null, "one.img")))
        .hasMessage("file " + dir + "/one.img is in use by device blk1");
    assertThatThrownBy(() -> m.devAdd(new DevConfig("blk2", null, null, null, null, null, dir + "/absent.img", true)))
        .hasMessage("file " + dir + "/absent.img does not exist (a read-only device needs one)");
    assertThatThrownBy(() -> m.devAdd(file("blk2", null, "no/such/dir.img")))
        .hasMessage("file " + dir + "/no/such/dir.img cannot be created: directory " + dir + "/no/such does not exist");
    Files.createDirectory(tmp.resolve("adir"));
    assertThatThrownBy(() -> m.devAdd(file("blk2", null, "adir"))).hasMessage("file " + dir + "/adir is not a regular file");
    Files.write(tmp.resolve("odd.img"), new byte[1000]);
    assertThatThrownBy(() -> m.devAdd(file("blk2", null, "odd.img")))
        .hasMessage("file " + dir + "/odd.img is 1000 bytes, not whole 512-byte sectors");
    assertThatThrownBy(() -> m.devAdd(file("blk1", null, "new.img"))).as("the name is taken")
        .hasMessageContaining("already in use");
    assertThat(tmp.resolve("new.img")).as("a file made for a refused device is taken back").doesNotExist();
  }
}
