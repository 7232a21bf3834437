package net.vdpa.ring.driver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A block the driver memory aligns in IOVA space is aligned in memory too: the buffer starts on a
 * page, so a 64-byte-aligned slot is one cache line, not the end of one and the start of the next.
 */
class DriverMemoryTest {
  @Test
  void blocksAlignedInIovaSpaceAreAlignedInMemory() {
    for (int size : new int[] {1, 4096, 5000, 65536, 1_300_000}) {
      DriverMemory m = new DriverMemory(0x1_0000_0000L, size);
      assertThat(m.buffer().capacity()).as("capacity for %d bytes", size).isEqualTo(size);
      assertThat(m.buffer().alignmentOffset(0, 4096)).as("start of %d bytes", size).isZero();
      if (size >= 4096) {
        m.allocate(16, 16);
        long slot = m.allocate(64, 64);
        assertThat(m.buffer().alignmentOffset(m.offset(slot), 64)).as("64-byte slot in %d bytes", size).isZero();
      }
    }
  }
}
