package net.vdpa.device.simblk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file disk's queues each move bytes through a channel of their own, over the one file. */
class FileDiskTest {
  @TempDir
  Path tmp;

  @Test
  void queuesShareTheFileThroughChannelsOfTheirOwnAndCloseTogether() throws IOException {
    Path img = tmp.resolve("q.img");
    FileDisk disk = FileDisk.open(img, 1 << 20, false);
    Disk.Io q0 = disk.io(0);
    Disk.Io q1 = disk.io(1);
    Disk.Io q1Again = disk.io(1);
    ByteBuffer src = ByteBuffer.allocateDirect(4096);
    for (int i = 0; i < 4096; i++) {
      src.put(i, (byte) (i * 7));
    }
    q1.write(8192, src, 0, 4096);
    ByteBuffer got = ByteBuffer.allocateDirect(4096);
    q0.read(8192, got, 0, 4096);
    assertThat(got).as("what queue 1 wrote, read by queue 0").isEqualTo(src);
    got.clear();
    q1Again.read(8192, got, 0, 4096);
    assertThat(got).as("read by queue 1 after a driver reset").isEqualTo(src);

    disk.close();
    assertThatThrownBy(() -> q1.read(0, got, 0, 512)).as("queue 1's channel is closed with the disk")
        .isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> q0.read(0, got, 0, 512)).isInstanceOf(ClosedChannelException.class);
  }
}
