package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One test per kind of invalid ring a driver can write: each gives its typed error, stops the
 * queue, counts one error and leaves the queue stopped. Ring-type specific cases live in the
 * subclasses.
 */
abstract class HardeningTest {
  static final int N = 8;
  static final int NEXT = 1;
  static final int WRITE = 2;
  static final int INDIRECT = 4;

  MockDriver m;
  RawRing raw;
  DeviceQueue dev;
  DescriptorChain chain;
  long buf;

  abstract MockDriver driver(long features);

  @BeforeEach
  void setUp() {
    m = driver(VirtioRingFeatures.mask(VirtioRingFeatures.INDIRECT_DESC));
    raw = RawRing.of(m);
    dev = m.newDevice();
    chain = new DescriptorChain();
    buf = m.allocate(4096);
  }

  void expect(RingError error) {
    assertThat(dev.pop(chain)).isFalse();
    assertThat(dev.error()).isEqualTo(error);
    assertThat(dev.needsReset()).isTrue();
    assertThat(dev.errorCount()).isEqualTo(1);
    assertThat(dev.pop(chain)).as("stopped").isFalse();
    assertThat(dev.push(0, 0)).isEqualTo(error);
    assertThat(dev.errorCount()).isEqualTo(1);
  }

  void one(long addr, long len, int flags) {
    raw.chain(new long[] {addr}, new long[] {len}, new int[] {flags});
  }

  @Test
  void aValidChainPops() {
    raw.chain(new long[] {buf, buf + 64}, new long[] {64, 64}, new int[] {NEXT, WRITE});
    assertThat(dev.pop(chain)).isTrue();
    assertThat(chain.readableBytes()).isEqualTo(64);
    assertThat(chain.writableBytes()).isEqualTo(64);
  }

  @Test
  void totalChainLengthOver4GiB() {
    raw.chain(new long[] {buf, buf}, new long[] {16, 0xFFFF_FFF8L}, new int[] {NEXT, 0});
    expect(RingError.CHAIN_LENGTH_OVERFLOW);
  }

  @Test
  void indirectInsideIndirect() {
    long table = m.allocate(64);
    raw.table(table, 0, buf, 16, NEXT, 1);
    raw.table(table, 1, table, 32, INDIRECT, 0);
    one(table, 32, INDIRECT);
    expect(RingError.NESTED_INDIRECT);
  }

  @Test
  void indirectTogetherWithNext() {
    long table = m.allocate(16);
    raw.table(table, 0, buf, 16, 0, 0);
    raw.chain(new long[] {table, buf}, new long[] {16, 16}, new int[] {INDIRECT | NEXT, 0});
    expect(RingError.INDIRECT_WITH_NEXT);
  }

  @Test
  void indirectTableOfZeroLength() {
    one(buf, 0, INDIRECT);
    expect(RingError.INDIRECT_BAD_LENGTH);
  }

  @Test
  void indirectTableNotAMultipleOf16() {
    one(buf, 24, INDIRECT);
    expect(RingError.INDIRECT_BAD_LENGTH);
  }

  @Test
  void indirectTableLongerThanTheQueue() {
    long table = m.allocate(16 * (N + 1));
    for (int i = 0; i <= N; i++) {
      raw.table(table, i, buf, 1, i < N ? NEXT : 0, i + 1);
    }
    one(table, 16 * (N + 1), INDIRECT);
    expect(RingError.CHAIN_TOO_LONG);
  }

  @Test
  void indirectWithoutTheFeature() {
    m = driver(0);
    raw = RawRing.of(m);
    dev = m.newDevice();
    long table = m.allocate(16);
    raw.table(table, 0, m.allocate(16), 16, 0, 0);
    one(table, 16, INDIRECT);
    expect(RingError.INDIRECT_NOT_NEGOTIATED);
  }

  @Test
  void addressOutsideTheMap() {
    one(0x1000, 64, 0);
    expect(RingError.ADDRESS_UNMAPPED);
  }

  @Test
  void lengthRunningPastTheEndOfTheMap() {
    long end = MockDriver.BASE_IOVA + m.memory().size();
    one(end - 16, 32, WRITE);
    expect(RingError.ADDRESS_UNMAPPED);
  }

  @Test
  void addressWrappingPast2To64() {
    one(0xFFFF_FFFF_FFFF_FFF0L, 0x20, 0);
    expect(RingError.ADDRESS_WRAP);
  }

  @Test
  void writingAReadOnlyBuffer() {
    long page = (m.allocate(8192) + 4095) & -4096L;
    m.deviceIotlb().unmap(page, 4096);
    m.deviceIotlb().map(page, 4096, m.memory(), page - MockDriver.BASE_IOVA, Permission.READ_ONLY);
    one(page, 64, WRITE);
    expect(RingError.WRITE_TO_READ_ONLY);
  }

  @Test
  void readingAWriteOnlyBuffer() {
    long page = (m.allocate(8192) + 4095) & -4096L;
    m.deviceIotlb().unmap(page, 4096);
    m.deviceIotlb().map(page, 4096, m.memory(), page - MockDriver.BASE_IOVA, Permission.WRITE_ONLY);
    one(page, 64, 0);
    expect(RingError.READ_FROM_WRITE_ONLY);
  }

  @Test
  void readableDescriptorAfterAWritableOne() {
    raw.chain(new long[] {buf, buf}, new long[] {16, 16}, new int[] {WRITE | NEXT, 0});
    expect(RingError.READABLE_AFTER_WRITABLE);
  }

  @Test
  void readableAfterWritableInsideAnIndirectTable() {
    long table = m.allocate(32);
    raw.table(table, 0, buf, 16, WRITE | NEXT, 1);
    raw.table(table, 1, buf, 16, 0, 0);
    one(table, 32, INDIRECT);
    expect(RingError.READABLE_AFTER_WRITABLE);
  }

  @Test
  void ringItselfOutsideTheMap() {
    m.deviceIotlb().unmap(m.config().descAddr(), 16);
    one(buf, 16, 0);
    expect(RingError.ADDRESS_UNMAPPED);
  }
}
