package net.vdpa.ring.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DmaAllocatorTest {
  final DmaAllocator dma = new DmaAllocator(MemoryRegion.allocate(8192), 0x10000);

  @Test
  void allocatesAlignedBuffersUntilFullAndFreesAllOnReset() {
    long a = dma.allocate(10, 1);
    long b = dma.allocate(100, 64);
    assertThat(a).isEqualTo(0x10000);
    assertThat(b).isEqualTo(0x10040);
    assertThat(dma.offsetOf(b)).isEqualTo(0x40);
    assertThat(dma.allocate(8192, 1)).isEqualTo(DmaAllocator.NO_SPACE);
    long c = dma.allocate(4096, 4096);
    assertThat(c).isEqualTo(0x11000);
    assertThat(dma.allocate(1, 4096)).isEqualTo(DmaAllocator.NO_SPACE);
    dma.reset();
    assertThat(dma.used()).isZero();
    assertThat(dma.allocate(8192, 4096)).isEqualTo(0x10000);
  }

  @Test
  void refusesInvalidRequests() {
    assertThatThrownBy(() -> dma.allocate(0, 8)).hasMessageContaining("size 0");
    assertThatThrownBy(() -> dma.allocate(8, 3)).hasMessageContaining("align 3");
    assertThatThrownBy(() -> dma.offsetOf(0x20000)).hasMessageContaining("0x20000");
    assertThatThrownBy(() -> new DmaAllocator(MemoryRegion.allocate(4096), -100)).hasMessageContaining("2^64");
  }
}
