package net.vdpa.ring.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.vdpa.ring.RingError;
import org.junit.jupiter.api.Test;

class IotlbTest {
  final MemoryRegion mem = MemoryRegion.allocate(64 * 1024);
  final Iotlb iotlb = new Iotlb();
  final Translation t = new Translation();

  @Test
  void translatesInsideAMappingWithItsOffset() {
    iotlb.map(0x10000, 4096, mem, 8192, Permission.READ_WRITE);
    assertThat(iotlb.translate(0x10010, 16, true, t)).isEqualTo(RingError.NONE);
    assertThat(t.offset()).isEqualTo(8192 + 16);
    assertThat(t.length()).isEqualTo(16);
    t.buffer().put(t.offset(), (byte) 7);
    byte[] b = new byte[1];
    mem.get(8192 + 16, b, 0, 1);
    assertThat(b[0]).isEqualTo((byte) 7);
  }

  @Test
  void aPeekFindsWhatATranslationFindsButNeverFaults() {
    iotlb.map(0x10000, 4096, mem, 8192, Permission.READ_ONLY);
    iotlb.map(0x20000, 4096, mem, 0, Permission.WRITE_ONLY);
    java.util.List<RingError> faults = new java.util.ArrayList<>();
    iotlb.setFaultListener((iova, length, write, error) -> faults.add(error));
    Translation p = new Translation();
    assertThat(iotlb.peek(0x10010, false, p)).isTrue();
    assertThat(p.offset()).isEqualTo(8192 + 16);
    assertThat(iotlb.peek(0x10FFF, false, p)).as("the last byte, from the last hit").isTrue();
    assertThat(p.offset()).isEqualTo(8192 + 4095);
    assertThat(iotlb.peek(0x20010, false, p)).as("a read of write-only memory").isFalse();
    assertThat(iotlb.peek(0x10010, true, p)).as("a write to read-only memory").isFalse();
    assertThat(iotlb.peek(0x11000, false, p)).as("past the mapping").isFalse();
    assertThat(iotlb.peek(-1L, false, p)).as("the last IOVA").isFalse();
    assertThat(faults).as("faults told to the listener").isEmpty();
    assertThat(iotlb.translate(0x11000, 1, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
    assertThat(faults).containsExactly(RingError.ADDRESS_UNMAPPED);
  }

  @Test
  void refusesAddressesOutsideEveryMapping() {
    iotlb.map(0x10000, 4096, mem, 0, Permission.READ_WRITE);
    assertThat(iotlb.translate(0xFFFF, 1, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
    assertThat(iotlb.translate(0x11000, 1, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
    assertThat(iotlb.translateContiguous(0x10FF0, 32, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
    assertThat(new Iotlb().translate(0, 1, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
  }

  @Test
  void neverWrapsPast2To64() {
    iotlb.map(-4096L, 4096, mem, 0, Permission.READ_WRITE);
    assertThat(iotlb.translate(-16L, 16, false, t)).isEqualTo(RingError.NONE);
    assertThat(iotlb.translate(-16L, 17, false, t)).isEqualTo(RingError.ADDRESS_WRAP);
    assertThat(iotlb.translate(-1L, Long.MAX_VALUE, false, t)).isEqualTo(RingError.ADDRESS_WRAP);
    assertThat(iotlb.translate(0, 0, false, t)).isEqualTo(RingError.ADDRESS_WRAP);
    assertThatThrownBy(() -> iotlb.map(-16L, 32, mem, 0, Permission.READ_WRITE))
        .hasMessageContaining("wraps past 2^64");
  }

  @Test
  void checksPermissionOnEveryAccess() {
    iotlb.map(0x1000, 4096, mem, 0, Permission.READ_ONLY);
    iotlb.map(0x2000, 4096, mem, 4096, Permission.WRITE_ONLY);
    assertThat(iotlb.translate(0x1000, 8, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.buffer().isReadOnly()).isTrue();
    assertThat(iotlb.translate(0x1000, 8, true, t)).isEqualTo(RingError.WRITE_TO_READ_ONLY);
    assertThat(iotlb.translate(0x2000, 8, true, t)).isEqualTo(RingError.NONE);
    assertThat(iotlb.translate(0x2000, 8, false, t)).isEqualTo(RingError.READ_FROM_WRITE_ONLY);
  }

  @Test
  void refusesOverlapNamingBothRanges() {
    iotlb.map(0x1000, 0x1000, mem, 0, Permission.READ_WRITE);
    assertThatThrownBy(() -> iotlb.map(0x1800, 0x1000, mem, 0, Permission.READ_WRITE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("range [0x1800, 0x27ff] overlaps mapped range [0x1000, 0x1fff]");
    iotlb.map(0x2000, 0x1000, mem, 0, Permission.READ_WRITE);
    assertThat(iotlb.entries()).isEqualTo(2);
  }

  @Test
  void refusesMappingsOutsideTheRegionOrWritableOverReadOnlyMemory() {
    assertThatThrownBy(() -> iotlb.map(0, 65 * 1024, mem, 0, Permission.READ_ONLY))
        .hasMessageContaining("outside");
    MemoryRegion ro = MemoryRegion.wrap(java.nio.ByteBuffer.allocateDirect(4096).asReadOnlyBuffer());
    assertThatThrownBy(() -> iotlb.map(0, 4096, ro, 0, Permission.READ_WRITE))
        .hasMessageContaining("read-only");
  }

  @Test
  void rangeAcrossTwoAdjacentMappingsComesInTwoPieces() {
    iotlb.map(0x1000, 0x1000, mem, 0x8000, Permission.READ_WRITE);
    iotlb.map(0x2000, 0x1000, mem, 0x1000, Permission.READ_WRITE);
    assertThat(iotlb.translate(0x1ff0, 32, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.offset()).isEqualTo(0x8ff0);
    assertThat(t.length()).isEqualTo(16);
    assertThat(iotlb.translate(0x2000, 16, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.offset()).isEqualTo(0x1000);
    assertThat(iotlb.translateContiguous(0x1ff0, 32, false, t)).isEqualTo(RingError.NOT_CONTIGUOUS);
  }

  @Test
  void unmapTrimsAndSplitsMappings() {
    iotlb.map(0x1000, 0x3000, mem, 0, Permission.READ_WRITE);
    assertThat(iotlb.unmap(0x2000, 0x1000)).isEqualTo(0x1000);
    assertThat(iotlb.entries()).isEqualTo(2);
    assertThat(iotlb.translate(0x1fff, 1, false, t)).isEqualTo(RingError.NONE);
    assertThat(iotlb.translate(0x2000, 1, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
    assertThat(iotlb.translate(0x3000, 1, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.offset()).isEqualTo(0x2000);
    assertThat(iotlb.unmap(0x8000, 0x1000)).isZero();
    iotlb.clear();
    assertThat(iotlb.translate(0x1000, 1, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
  }

  @Test
  void lastHitCacheIsDroppedWhenTheMapChanges() {
    iotlb.map(0x1000, 0x1000, mem, 0, Permission.READ_WRITE);
    Object g = iotlb.generation();
    assertThat(iotlb.translate(0x1000, 1, false, t)).isEqualTo(RingError.NONE);
    iotlb.unmap(0x1000, 0x1000);
    assertThat(iotlb.generation()).isNotSameAs(g);
    assertThat(iotlb.translate(0x1000, 1, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
  }

  @Test
  void aBatchTranslatesAgainstTheMapAsItWasWhenItBegan() {
    iotlb.map(0x1000, 0x1000, mem, 0, Permission.READ_WRITE);
    Object g = iotlb.generation();
    iotlb.map(0x4000, 0x1000, mem, 0x4000, Permission.READ_ONLY);
    assertThat(iotlb.translate(g, 0x4000, 1, false, t))
        .as("a mapping added after the batch began is not in its snapshot")
        .isEqualTo(RingError.ADDRESS_UNMAPPED);
    Object now = iotlb.generation();
    assertThat(iotlb.translate(now, 0x4000, 1, false, t)).isEqualTo(RingError.NONE);
    assertThat(iotlb.translate(now, 0x4000, 1, true, t)).isEqualTo(RingError.WRITE_TO_READ_ONLY);
    assertThatThrownBy(() -> iotlb.translate("not a generation", 0x1000, 1, false, t))
        .isInstanceOf(ClassCastException.class);
  }

  @Test
  void aHitOffsetOnlyForTheWholeRangeInTheLastHitWithTheSameAccessAndMap() {
    iotlb.map(0x10000, 0x1000, mem, 8192, Permission.READ_WRITE);
    Object g = iotlb.generation();
    assertThat(iotlb.hitOffset(g, 0x10000, 1, false, t)).as("nothing hit yet").isEqualTo(-1);
    assertThat(iotlb.translate(g, 0x10010, 16, false, t)).isEqualTo(RingError.NONE);
    assertThat(iotlb.hitOffset(g, 0x10020, 64, false, t)).isEqualTo(8192 + 0x20);
    assertThat(t.hitBuffer()).isSameAs(t.buffer());
    assertThat(iotlb.hitOffset(g, 0x10FFF, 1, false, t)).as("the last byte").isEqualTo(8192 + 0xFFF);
    assertThat(iotlb.hitOffset(g, 0x10FFF, 2, false, t)).as("one byte past the mapping").isEqualTo(-1);
    assertThat(iotlb.hitOffset(g, 0xFFFF, 2, false, t)).as("one byte before it").isEqualTo(-1);
    assertThat(iotlb.hitOffset(g, 0x10020, 0, false, t)).as("empty").isEqualTo(-1);
    assertThat(iotlb.hitOffset(g, 0x10020, -1L, false, t)).as("2^64 - 1 bytes").isEqualTo(-1);
    assertThat(iotlb.hitOffset(g, 0x10020, 1, true, t)).as("a write after a read").isEqualTo(-1);
    iotlb.map(0x20000, 0x1000, mem, 0, Permission.READ_WRITE);
    assertThat(iotlb.hitOffset(iotlb.generation(), 0x10020, 1, false, t)).as("the map changed").isEqualTo(-1);
    int offset = t.offset();
    assertThat(iotlb.hitOffset(g, 0x10030, 1, false, t)).isEqualTo(8192 + 0x30);
    assertThat(t.offset()).as("a hit writes nothing").isEqualTo(offset);
  }

  @Test
  void findsTheRightEntryAmongMany() {
    for (int i = 0; i < 100; i++) {
      iotlb.map(0x100000L * (100 - i), 256, mem, 256L * i, Permission.READ_WRITE);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(iotlb.translate(0x100000L * (100 - i) + 5, 1, false, t)).isEqualTo(RingError.NONE);
      assertThat(t.offset()).isEqualTo(256 * i + 5);
    }
    assertThat(iotlb.translate(0x100000L * 50 + 256, 1, false, t)).isEqualTo(RingError.ADDRESS_UNMAPPED);
  }

  @Test
  void unsignedAddressesAboveLongMaxSortCorrectly() {
    iotlb.map(0x8000_0000_0000_0000L, 4096, mem, 0, Permission.READ_WRITE);
    iotlb.map(0x1000, 4096, mem, 4096, Permission.READ_WRITE);
    assertThat(iotlb.translate(0x8000_0000_0000_0010L, 1, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.offset()).isEqualTo(16);
    assertThat(iotlb.translate(0x1010, 1, false, t)).isEqualTo(RingError.NONE);
    assertThat(t.offset()).isEqualTo(4096 + 16);
  }
}
