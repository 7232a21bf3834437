package net.vdpa.driver.passthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.vdpa.api.passthrough.DmaMapping;
import net.vdpa.api.passthrough.DmaPerm;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuFault;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The VFIO type1v2 rules of a container, as a table: a set-up of mappings, one operation, and
 * either the error it must raise (with the mappings unchanged) or the size an unmap returns.
 */
class ContainerRulesTest {
  static final long K4 = 4096;
  static final long A = 0x10_0000L;

  static IommuContainer container(int limit) {
    VfioCore core = new VfioCore(new VfioCore.Settings(0, limit, new String[0]), d -> Optional.empty(),
        new VfioCore.Sink() {
          @Override
          public void revoked(String device, String owner, String why) {}

          @Override
          public void fault(IommuFault fault) {}

          @Override
          public void info(String line) {}
        }, Clock.systemUTC());
    return core.openContainer("test");
  }

  static ByteBuffer mem(long size) {
    return ByteBuffer.allocateDirect((int) size);
  }

  /** An operation: map (size &gt; 0 buffer) or unmap. */
  record Op(boolean map, long iova, long size) {
    static Op map(long iova, long size) {
      return new Op(true, iova, size);
    }

    static Op unmap(long iova, long size) {
      return new Op(false, iova, size);
    }

    long apply(IommuContainer c) {
      if (map) {
        c.dmaMap(iova, mem(size), DmaPerm.READ_WRITE);
        return size;
      }
      return c.dmaUnmap(iova, size);
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, set-up, operation, expected error (null = none), expected returned size
        Arguments.of("map into an empty container", List.of(), Op.map(A, 2 * K4), null, 2 * K4),
        Arguments.of("map beside a mapping", List.of(Op.map(A, K4)), Op.map(A + K4, K4), null, K4),
        Arguments.of("overlap at the start", List.of(Op.map(A, 2 * K4)), Op.map(A - K4, 2 * K4), VfioError.OVERLAP, 0L),
        Arguments.of("overlap at the end", List.of(Op.map(A, 2 * K4)), Op.map(A + K4, 2 * K4), VfioError.OVERLAP, 0L),
        Arguments.of("overlap inside", List.of(Op.map(A, 4 * K4)), Op.map(A + K4, K4), VfioError.OVERLAP, 0L),
        Arguments.of("overlap around", List.of(Op.map(A + K4, K4)), Op.map(A, 4 * K4), VfioError.OVERLAP, 0L),
        Arguments.of("same mapping twice", List.of(Op.map(A, K4)), Op.map(A, K4), VfioError.OVERLAP, 0L),
        Arguments.of("unaligned iova", List.of(), Op.map(A + 1, K4), VfioError.UNALIGNED, 0L),
        Arguments.of("unaligned size", List.of(), Op.map(A, K4 + 512), VfioError.UNALIGNED, 0L),
        Arguments.of("outside the 48-bit range", List.of(), Op.map(1L << 48, K4), VfioError.OUT_OF_RANGE, 0L),
        Arguments.of("reaching past the range", List.of(), Op.map((1L << 48) - K4, 2 * K4), VfioError.OUT_OF_RANGE, 0L),
        Arguments.of("over the entry limit", List.of(Op.map(A, K4), Op.map(A + K4, K4), Op.map(A + 2 * K4, K4)),
            Op.map(A + 3 * K4, K4), VfioError.LIMIT, 0L),
        Arguments.of("unmap a whole mapping", List.of(Op.map(A, 2 * K4)), Op.unmap(A, 2 * K4), null, 2 * K4),
        Arguments.of("unmap two mappings at once", List.of(Op.map(A, K4), Op.map(A + 2 * K4, K4)),
            Op.unmap(A, 3 * K4), null, 2 * K4),
        Arguments.of("unmap nothing", List.of(Op.map(A, K4)), Op.unmap(A + 4 * K4, K4), null, 0L),
        Arguments.of("unmap splitting the end", List.of(Op.map(A, 2 * K4)), Op.unmap(A, K4), VfioError.SPLIT, 0L),
        Arguments.of("unmap splitting the start", List.of(Op.map(A, 2 * K4)), Op.unmap(A + K4, K4), VfioError.SPLIT, 0L),
        Arguments.of("unmap straddling", List.of(Op.map(A, K4), Op.map(A + K4, 2 * K4)), Op.unmap(A, 2 * K4),
            VfioError.SPLIT, 0L),
        Arguments.of("unmap unaligned", List.of(Op.map(A, K4)), Op.unmap(A + 8, K4), VfioError.UNALIGNED, 0L),
        Arguments.of("unmap size 0", List.of(Op.map(A, K4)), Op.unmap(A, 0), VfioError.UNALIGNED, 0L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void type1v2Rule(String name, List<Op> setUp, Op op, VfioError error, long returned) {
    IommuContainer c = container(3);
    for (Op s : setUp) {
      s.apply(c);
    }
    List<DmaMapping> before = new ArrayList<>(c.mappings());
    if (error == null) {
      assertThat(op.apply(c)).as(name).isEqualTo(returned);
    } else {
      VfioException e = catchThrowableOfType(VfioException.class, () -> op.apply(c));
      assertThat(e).as(name).isNotNull();
      assertThat(e.error()).as(name + ": " + e.getMessage()).isEqualTo(error);
      assertThat(e.getMessage()).doesNotContain("\n");
      assertThat(c.mappings()).as("nothing changed").isEqualTo(before);
    }
  }

  @Test
  void advertisesFourKibPagesTheRangeAndTheLimit() {
    IommuContainer c = container(3);
    assertThat(c.pageSizes()).isEqualTo(0x1000L);
    assertThat(c.iovaRanges()).hasSize(1);
    assertThat(c.iovaRanges().get(0).last()).isEqualTo((1L << 48) - 1);
    assertThat(c.dmaEntryLimit()).isEqualTo(3);
    c.dmaMap(A, mem(K4), DmaPerm.READ);
    assertThat(c.dmaAvailable()).isEqualTo(2);
    assertThat(c.mappings()).containsExactly(new DmaMapping(A, K4, DmaPerm.READ));
  }

  @Test
  void heapMemoryIsRefused() {
    VfioException e = catchThrowableOfType(VfioException.class,
        () -> container(3).dmaMap(A, ByteBuffer.allocate((int) K4), DmaPerm.READ));
    assertThat(e.error()).isEqualTo(VfioError.INVALID);
    assertThat(e.getMessage()).contains("direct");
  }

  @Test
  void aClosedContainerRefusesWithRevoked() {
    IommuContainer c = container(3);
    c.dmaMap(A, mem(K4), DmaPerm.READ_WRITE);
    c.close();
    assertThat(c.mappings()).isEmpty();
    VfioException e = catchThrowableOfType(VfioException.class, () -> c.dmaMap(A, mem(K4), DmaPerm.READ));
    assertThat(e.error()).isEqualTo(VfioError.REVOKED);
  }
}
