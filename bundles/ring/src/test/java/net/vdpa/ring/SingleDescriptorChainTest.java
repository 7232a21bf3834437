package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A chain of one descriptor is filled in one step ({@link DescriptorChain#single}), storing only
 * what differs from the chain object's last contents. These tests reuse one chain object across
 * chains of every shape, so that a field left over from the previous chain shows.
 */
class SingleDescriptorChainTest {
  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void aSingleDescriptorAfterLongerChainsReadsAsItself(String ring) {
    MockDriver m = "packed".equals(ring) ? MockDriver.packed(16, 0, 1 << 16) : MockDriver.split(16, 0, 1 << 16);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    DescriptorChain c = new DescriptorChain(1);
    long a = m.allocate(100);
    long b = m.allocate(200);
    long w = m.allocate(300);
    m.write(a, filled(100, 1));

    // three descriptors: two readable, one writable
    int three = q.add(new long[] {a, b, w}, new int[] {100, 200, 300}, 2, 1);
    // one readable descriptor
    int readable = q.add(a, 100, false);
    // one writable descriptor, then the same readable one again
    int writable = q.add(w, 300, true);
    int again = q.add(a, 60, false);
    q.publish();

    assertThat(d.pop(c)).isTrue();
    assertThat(c.id()).isEqualTo(three);
    assertThat(c.segments()).isEqualTo(3);
    assertThat(c.descriptorCount()).isEqualTo(3);
    assertThat(d.push(c.id(), 0)).isEqualTo(RingError.NONE);

    assertThat(d.pop(c)).isTrue();
    assertShape(c, readable, 1, 1, 100, 0);
    byte[] got = new byte[100];
    assertThat(c.readTo(got, 0, 100)).isEqualTo(100);
    assertThat(got).isEqualTo(filled(100, 1));
    assertThat(c.writable(0)).isFalse();
    assertThat(d.push(c.id(), 0)).isEqualTo(RingError.NONE);

    assertThat(d.pop(c)).isTrue();
    assertShape(c, writable, 1, 0, 0, 300);
    assertThat(c.writable(0)).isTrue();
    assertThat(c.readTo(new byte[10], 0, 10)).isZero();
    assertThat(c.writeFrom(filled(300, 7), 0, 300)).isEqualTo(300);
    assertThat(m.read(w, 300)).isEqualTo(filled(300, 7));
    assertThat(d.push(c.id(), 300)).isEqualTo(RingError.NONE);

    assertThat(d.pop(c)).isTrue();
    assertShape(c, again, 1, 1, 60, 0);
    assertThat(c.length(0)).isEqualTo(60);
    assertThat(c.writeFrom(ByteBuffer.allocate(10), 0, 10)).isZero();
    assertThat(d.push(c.id(), 0)).isEqualTo(RingError.NONE);
    assertThat(d.error()).isEqualTo(RingError.NONE);
  }

  private static void assertShape(
      DescriptorChain c, int id, int segments, int readableSegments, long readable, long writable) {
    assertThat(c.id()).isEqualTo(id);
    assertThat(c.descriptorCount()).isEqualTo(1);
    assertThat(c.segments()).isEqualTo(segments);
    assertThat(c.readableSegments()).isEqualTo(readableSegments);
    assertThat(c.readableBytes()).isEqualTo(readable);
    assertThat(c.writableBytes()).isEqualTo(writable);
  }

  private static byte[] filled(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i);
    }
    return b;
  }
}
