package net.vdpa.ring.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import net.vdpa.ring.RingError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryRegionTest {
  @TempDir Path dir;

  @Test
  void directRegionIsZeroedAndPageAligned() {
    MemoryRegion r = MemoryRegion.allocate(10_000);
    assertThat(r.size()).isEqualTo(10_000);
    assertThat(r.writable()).isTrue();
    assertThat(r.chunk(0, true).alignmentOffset(0, 4096)).isZero();
    byte[] b = new byte[10_000];
    r.get(0, b, 0, b.length);
    assertThat(b).containsOnly(0);
    assertThatThrownBy(() -> r.get(9_990, b, 0, 11)).hasMessageContaining("outside region");
    assertThatThrownBy(() -> MemoryRegion.allocate(0)).hasMessageContaining("size 0");
    assertThatThrownBy(() -> MemoryRegion.wrap(ByteBuffer.allocate(16))).hasMessageContaining("not direct");
  }

  @Test
  void mappedFileIsSharedWithTheFile() throws Exception {
    Path f = dir.resolve("mem");
    Files.write(f, new byte[8192]);
    MemoryRegion r = MemoryRegion.map(f, 4096, 4096, true);
    r.put(10, new byte[] {1, 2, 3}, 0, 3);
    MemoryRegion again = MemoryRegion.map(f, 0, 8192, false);
    byte[] b = new byte[3];
    again.get(4096 + 10, b, 0, 3);
    assertThat(b).containsExactly(1, 2, 3);
    assertThat(again.writable()).isFalse();
    assertThatThrownBy(() -> MemoryRegion.map(f, 4096, 8192, true)).hasMessageContaining("shorter than");
  }

  @Test
  void regionBeyond2GiBIsMappedInOverlappingChunks() throws Exception {
    Path f = dir.resolve("big");
    long size = 3L << 30;
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(size);
    }
    MemoryRegion r = MemoryRegion.map(f, 0, size, true);
    long boundary = MemoryRegion.CHUNK_SIZE;
    byte[] pattern = {9, 8, 7, 6, 5, 4, 3, 2};
    r.put(boundary - 4, pattern, 0, 8);
    r.put(size - 8, pattern, 0, 8);
    byte[] b = new byte[8];
    r.get(boundary - 4, b, 0, 8);
    assertThat(b).containsExactly(pattern);
    r.get(size - 8, b, 0, 8);
    assertThat(b).containsExactly(pattern);

    Iotlb iotlb = new Iotlb();
    iotlb.map(0x1_0000_0000L, size, r, 0, Permission.READ_WRITE);
    Translation t = new Translation();
    // a small structure across the 1 GiB boundary is contiguous thanks to the overlap
    assertThat(iotlb.translateContiguous(0x1_0000_0000L + boundary - 4, 8, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.buffer().get(t.offset())).isEqualTo((byte) 9);
    assertThat(t.buffer().get(t.offset() + 7)).isEqualTo((byte) 2);
    // a long buffer across it comes in two pieces
    long start = 0x1_0000_0000L + boundary - 4096;
    assertThat(iotlb.translate(start, 4L << 20, false, t)).isEqualTo(RingError.NONE);
    int first = t.length();
    assertThat(first).isLessThan(4 << 20);
    assertThat(iotlb.translate(start + first, (4L << 20) - first, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.length()).isEqualTo((4 << 20) - first);
    assertThat(iotlb.translate(0x1_0000_0000L + size - 8, 8, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.buffer().get(t.offset())).isEqualTo((byte) 9);
  }
}
