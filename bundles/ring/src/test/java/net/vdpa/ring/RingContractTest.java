package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;

/**
 * What every virtqueue implementation must do, driver and device side together. Each ring type
 * runs it through a one-class subclass.
 */
public abstract class RingContractTest {
  protected static final long INDIRECT = VirtioRingFeatures.mask(VirtioRingFeatures.INDIRECT_DESC);
  protected static final long EVENT_IDX = VirtioRingFeatures.mask(VirtioRingFeatures.EVENT_IDX);
  protected static final long IN_ORDER = VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER);

  /** A driver of the ring type under test with 1 MiB of memory. */
  protected abstract MockDriver driver(int size, long features);

  /** Exports the device's state and restores it into a new device over the same rings. */
  protected abstract DeviceQueue exportAndRestore(MockDriver m, DeviceQueue device);

  /** Restores a state that claims more chains in flight than {@code m}'s queue size holds. */
  protected abstract void restoreTooFarApart(MockDriver m);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void deviceReadsWhatTheDriverSentAndTheDriverGetsItBack() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    int id = m.send(bytes("hello ring"));

    assertThat(dev.pop(c)).isTrue();
    assertThat(c.id()).isEqualTo(id);
    assertThat(c.readableBytes()).isEqualTo(10);
    assertThat(c.writableBytes()).isZero();
    byte[] got = new byte[10];
    assertThat(c.readTo(got, 0, 10)).isEqualTo(10);
    assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello ring");
    assertThat(c.buffer(0).isReadOnly()).isTrue();
    assertThat(dev.pop(c)).isFalse();
    assertThat(dev.needsReset()).isFalse();

    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    assertThat(dev.push(id, 0)).isEqualTo(RingError.NONE);
    assertThat(m.queue().pollUsed()).as("not yet published").isEqualTo(DriverQueue.EMPTY);
    dev.publish();
    long used = m.queue().pollUsed();
    assertThat(DriverQueue.usedId(used)).isEqualTo(id);
    assertThat(DriverQueue.usedLength(used)).isZero();
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
  }

  @Test
  void deviceWritesIntoAReceiveBuffer() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    long iova = m.receive(32);

    assertThat(dev.pop(c)).isTrue();
    assertThat(c.writableBytes()).isEqualTo(32);
    assertThat(c.readableSegments()).isZero();
    assertThat(c.writable(0)).isTrue();
    int n = c.writeFrom(bytes("answer"), 0, 6);
    assertThat(n).isEqualTo(6);
    assertThat(dev.push(c.id(), n)).isEqualTo(RingError.NONE);
    dev.publish();
    long used = m.queue().pollUsed();
    assertThat(DriverQueue.usedLength(used)).isEqualTo(6);
    assertThat(new String(m.read(iova, 6), StandardCharsets.US_ASCII)).isEqualTo("answer");
  }

  @Test
  void chainOfReadableThenWritableBuffersKeepsOrder() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    long a = m.allocate(4);
    long b = m.allocate(3);
    long w = m.allocate(16);
    m.write(a, bytes("abcd"));
    m.write(b, bytes("efg"));
    int id = m.queue().add(new long[] {a, b, w}, new int[] {4, 3, 16}, 2, 1);
    assertThat(m.queue().freeDescriptors()).isEqualTo(5);
    m.queue().publish();

    DescriptorChain c = new DescriptorChain();
    assertThat(dev.pop(c)).isTrue();
    assertThat(c.id()).isEqualTo(id);
    assertThat(c.segments()).isEqualTo(3);
    assertThat(c.readableSegments()).isEqualTo(2);
    ByteBuffer copy = ByteBuffer.allocate(7);
    assertThat(c.readTo(copy, 0, 100)).isEqualTo(7);
    assertThat(new String(copy.array(), StandardCharsets.US_ASCII)).isEqualTo("abcdefg");
    assertThat(c.writeFrom(ByteBuffer.wrap(bytes("0123456789abcdefXYZ")), 0, 19)).isEqualTo(16);
    dev.push(c.id(), 16);
    dev.publish();
    assertThat(DriverQueue.usedId(m.queue().pollUsed())).isEqualTo(id);
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
    assertThat(new String(m.read(w, 16), StandardCharsets.US_ASCII)).isEqualTo("0123456789abcdef");
  }

  @Test
  void indirectChainTakesOneRingDescriptor() {
    MockDriver m = driver(8, INDIRECT);
    DeviceQueue dev = m.newDevice();
    long table = m.allocate(16 * 5);
    long[] addrs = new long[5];
    int[] lens = new int[5];
    for (int i = 0; i < 5; i++) {
      addrs[i] = m.allocate(8);
      lens[i] = 8;
      m.write(addrs[i], bytes("seg" + i + "data"));
    }
    int id = m.queue().addIndirect(table, addrs, lens, 3, 2);
    assertThat(m.queue().freeDescriptors()).isEqualTo(7);
    m.queue().publish();

    DescriptorChain c = new DescriptorChain(2);
    assertThat(dev.pop(c)).isTrue();
    assertThat(c.id()).isEqualTo(id);
    assertThat(c.descriptorCount()).isEqualTo(1);
    assertThat(c.segments()).isEqualTo(5);
    assertThat(c.readableSegments()).isEqualTo(3);
    byte[] got = new byte[24];
    c.readTo(got, 0, 24);
    assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("seg0dataseg1dataseg2data");
    assertThat(c.writableBytes()).isEqualTo(16);
  }

  @Test
  void ringAcceptsQueueSizeChainsThenReportsFull() {
    MockDriver m = driver(4, 0);
    long buf = m.allocate(64);
    for (int i = 0; i < 4; i++) {
      assertThat(m.queue().add(buf, 64, true)).isNotEqualTo(DriverQueue.FULL);
    }
    assertThat(m.queue().add(buf, 64, true)).isEqualTo(DriverQueue.FULL);
    assertThat(m.queue().freeDescriptors()).isZero();
    assertThat(m.queue().add(new long[] {buf, buf}, new int[] {1, 1}, 1, 1)).isEqualTo(DriverQueue.FULL);
  }

  @Test
  void manyLapsAroundTheRingAndPastIndexWrap() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    long buf = m.allocate(8);
    ByteBuffer seq = ByteBuffer.allocate(8);
    for (int i = 0; i < 70_000; i++) {
      m.write(buf, ByteBuffer.allocate(8).putLong(0, i).array());
      int id = m.queue().add(buf, 8, false);
      assertThat(id).isNotEqualTo(DriverQueue.FULL);
      m.queue().publish();
      assertThat(dev.pop(c)).isTrue();
      c.readTo(seq, 0, 8);
      if (seq.getLong(0) != i) {
        assertThat(seq.getLong(0)).isEqualTo(i);
      }
      dev.push(c.id(), i & 0xff);
      dev.publish();
      long used = m.queue().pollUsed();
      if (DriverQueue.usedId(used) != id || DriverQueue.usedLength(used) != (i & 0xff)) {
        assertThat(used).isEqualTo(DriverQueue.used(id, i & 0xff));
      }
    }
    assertThat(dev.needsReset()).isFalse();
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
  }

  @Test
  void batchBecomesVisibleOnlyWhenPublished() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    long buf = m.allocate(8);
    for (int i = 0; i < 5; i++) {
      m.queue().add(buf, 8, true);
    }
    assertThat(dev.pop(c)).isFalse();
    m.queue().publish();
    List<Integer> ids = new ArrayList<>();
    while (dev.pop(c)) {
      ids.add(c.id());
      dev.push(c.id(), 1);
    }
    assertThat(ids).hasSize(5);
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.EMPTY);
    dev.publish();
    Set<Integer> back = new HashSet<>();
    for (long u; (u = m.queue().pollUsed()) != DriverQueue.EMPTY; ) {
      back.add(DriverQueue.usedId(u));
    }
    assertThat(back).containsExactlyInAnyOrderElementsOf(ids);
  }

  /**
   * Batches that mix buffers of one descriptor with chains, in patterns that put a batch's first
   * chain at every place in a cache line of ring descriptors, lap after lap: the device gets each
   * chain whole, with its own lengths and bytes, whatever the batch before it was.
   */
  @Test
  void batchesMixingSingleBuffersAndChainsReachTheDeviceWhole() {
    MockDriver m = driver(16, 0);
    DeviceQueue dev = m.newDevice();
    DriverQueue q = m.queue();
    DescriptorChain c = new DescriptorChain(4);
    int[][] batches = {{1, 1, 1}, {3, 1}, {1, 2, 1, 1}, {2}, {1}, {1, 1, 3}, {1, 1, 1, 1, 1}, {2, 2}};
    int stamp = 0;
    for (int lap = 0; lap < 6; lap++) {
      for (int[] batch : batches) {
        List<Integer> ids = new ArrayList<>();
        List<int[]> lens = new ArrayList<>();
        for (int descriptors : batch) {
          long[] addrs = new long[descriptors];
          int[] l = new int[descriptors];
          for (int k = 0; k < descriptors; k++) {
            l[k] = 8 + (stamp % 5);
            addrs[k] = m.allocate(l[k]);
            m.write(addrs[k], new byte[] {(byte) stamp});
            stamp++;
          }
          lens.add(l);
          ids.add(descriptors == 1 ? q.add(addrs[0], l[0], false) : q.add(addrs, l, descriptors, 0));
        }
        q.publish();
        int first = stamp - Arrays.stream(batch).sum();
        for (int i = 0; i < batch.length; i++) {
          assertThat(dev.pop(c)).as("chain %d of %s", i, Arrays.toString(batch)).isTrue();
          assertThat(c.id()).isEqualTo(ids.get(i));
          assertThat(c.segments()).isEqualTo(batch[i]);
          for (int k = 0; k < batch[i]; k++) {
            assertThat(c.length(k)).isEqualTo(lens.get(i)[k]);
            assertThat(c.buffer(k).get(c.offset(k))).isEqualTo((byte) first++);
          }
          assertThat(dev.push(c.id(), 0)).isEqualTo(RingError.NONE);
        }
        assertThat(dev.pop(c)).isFalse();
        dev.publish();
        assertThat(m.queue().pollUsed(null, null, 16)).isEqualTo(batch.length);
      }
    }
    assertThat(dev.needsReset()).isFalse();
    assertThat(q.error()).isEqualTo(RingError.NONE);
  }

  @Test
  void outOfOrderCompletionReturnsEveryBuffer() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    long buf = m.allocate(8);
    for (int i = 0; i < 4; i++) {
      assertThat(m.queue().add(new long[] {buf, buf}, new int[] {4, 4}, 1, 1)).isNotEqualTo(DriverQueue.FULL);
    }
    m.queue().publish();
    List<Integer> popped = new ArrayList<>();
    while (dev.pop(c)) {
      popped.add(c.id());
    }
    for (int i = popped.size() - 1; i >= 0; i--) {
      assertThat(dev.push(popped.get(i), i)).isEqualTo(RingError.NONE);
    }
    dev.publish();
    List<Integer> back = new ArrayList<>();
    for (long u; (u = m.queue().pollUsed()) != DriverQueue.EMPTY; ) {
      back.add(DriverQueue.usedId(u));
    }
    assertThat(popped).hasSize(4);
    assertThat(back).containsExactly(popped.get(3), popped.get(2), popped.get(1), popped.get(0));
    assertThat(m.queue().freeDescriptors()).isEqualTo(8);
    assertThat(m.queue().error()).isEqualTo(RingError.NONE);
  }

  @Test
  void pushOfAnIdNotInFlightIsRefusedWithoutStoppingTheQueue() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    assertThat(dev.push(3, 0)).isEqualTo(RingError.USED_ID_INVALID);
    assertThat(dev.push(99, 0)).isEqualTo(RingError.USED_ID_INVALID);
    assertThat(dev.needsReset()).isFalse();
  }

  @Test
  void inOrderRefusesOutOfOrderPush() {
    MockDriver m = driver(8, IN_ORDER);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    m.send(bytes("one"));
    m.send(bytes("two"));
    assertThat(dev.pop(c)).isTrue();
    int first = c.id();
    assertThat(dev.pop(c)).isTrue();
    int second = c.id();
    assertThat(dev.push(second, 0)).isEqualTo(RingError.OUT_OF_ORDER);
    assertThat(dev.push(first, 1)).isEqualTo(RingError.NONE);
    assertThat(dev.push(second, 2)).isEqualTo(RingError.NONE);
    dev.publish();
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(first, 1));
    assertThat(m.queue().pollUsed()).isEqualTo(DriverQueue.used(second, 2));
  }

  @Test
  void flagsSuppressKicksAndInterrupts() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    m.send(bytes("a"));
    assertThat(m.queue().needsKick()).isTrue();
    assertThat(m.queue().needsKick()).as("nothing new published").isFalse();
    dev.pop(c);
    dev.disableNotifications();
    m.send(bytes("b"));
    assertThat(m.queue().needsKick()).isFalse();
    assertThat(dev.enableNotifications()).as("b is waiting").isTrue();
    m.send(bytes("c"));
    assertThat(m.queue().needsKick()).isTrue();

    dev.push(c.id(), 0);
    dev.publish();
    assertThat(dev.needsNotify()).isTrue();
    m.queue().disableInterrupts();
    dev.pop(c);
    dev.push(c.id(), 0);
    dev.publish();
    assertThat(dev.needsNotify()).isFalse();
    assertThat(m.queue().enableInterrupts()).as("two used waiting").isTrue();
    dev.pop(c);
    dev.push(c.id(), 0);
    dev.publish();
    assertThat(dev.needsNotify()).isTrue();
  }

  @Test
  void eventIndexAsksForOneKickAndOneInterruptAtTheRightPlace() {
    MockDriver m = driver(8, EVENT_IDX);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    assertThat(dev.enableNotifications()).isFalse();
    m.send(bytes("a"));
    assertThat(m.queue().needsKick()).as("device waits at the first chain").isTrue();
    m.send(bytes("b"));
    assertThat(m.queue().needsKick()).as("device has not caught up yet").isFalse();
    assertThat(dev.pop(c)).isTrue();
    int a = c.id();
    assertThat(dev.pop(c)).isTrue();
    int b = c.id();
    assertThat(dev.enableNotifications()).isFalse();
    m.send(bytes("c"));
    assertThat(m.queue().needsKick()).isTrue();

    assertThat(m.queue().enableInterrupts()).isFalse();
    dev.push(a, 0);
    dev.publish();
    assertThat(dev.needsNotify()).as("driver waits for the first used").isTrue();
    dev.push(b, 0);
    dev.publish();
    assertThat(dev.needsNotify()).as("driver has not caught up").isFalse();
    assertThat(m.queue().pollUsed()).isNotEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().pollUsed()).isNotEqualTo(DriverQueue.EMPTY);
    assertThat(m.queue().enableInterrupts()).isFalse();
    dev.pop(c);
    dev.push(c.id(), 0);
    dev.publish();
    assertThat(dev.needsNotify()).isTrue();
  }

  @Test
  void stateSurvivesExportAndRestore() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    for (int i = 0; i < 13; i++) {
      m.send(bytes("x" + i));
      assertThat(dev.pop(c)).isTrue();
      dev.push(c.id(), i);
      dev.publish();
      assertThat(m.queue().pollUsed()).isNotEqualTo(DriverQueue.EMPTY);
    }
    DeviceQueue restored = exportAndRestore(m, dev);
    m.send(bytes("after"));
    assertThat(restored.pop(c)).isTrue();
    byte[] got = new byte[5];
    c.readTo(got, 0, 5);
    assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("after");
    restored.push(c.id(), 5);
    restored.publish();
    assertThat(DriverQueue.usedLength(m.queue().pollUsed())).isEqualTo(5);
  }

  @Test
  void restoreRefusesAStateBeyondTheQueueSize() {
    MockDriver m = driver(8, 0);
    assertThatThrownBy(() -> restoreTooFarApart(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queue size 8");
  }

  @Test
  void unmappedBufferStopsTheQueueUntilReset() {
    MockDriver m = driver(8, 0);
    DeviceQueue dev = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    m.queue().add(0x10, 16, false);
    m.queue().publish();
    assertThat(dev.pop(c)).isFalse();
    assertThat(dev.error()).isEqualTo(RingError.ADDRESS_UNMAPPED);
    assertThat(dev.needsReset()).isTrue();
    assertThat(dev.errorCount()).isEqualTo(1);
    assertThat(dev.pop(c)).as("stays stopped").isFalse();
    assertThat(dev.errorCount()).isEqualTo(1);
    dev.reset();
    assertThat(dev.needsReset()).isFalse();
    assertThat(dev.errorCount()).isEqualTo(1);
  }

  @Test
  void writableBufferInReadOnlyMappingIsRefused() {
    MockDriver m = driver(8, 0);
    long buf = m.allocate(4096);
    long page = (buf + 4095) & -4096L;
    m.deviceIotlb().unmap(page, 64);
    m.deviceIotlb().map(page, 64, m.memory(), page - MockDriver.BASE_IOVA, Permission.READ_ONLY);
    DeviceQueue dev = m.newDevice();
    m.queue().add(page, 64, true);
    m.queue().publish();
    assertThat(dev.pop(new DescriptorChain())).isFalse();
    assertThat(dev.error()).isEqualTo(RingError.WRITE_TO_READ_ONLY);
  }

  @Test
  void sendAndReceiveAllocateNothing() {
    MockDriver m = driver(64, 0);
    DeviceQueue dev = m.newDevice();
    DriverQueue drv = m.queue();
    DescriptorChain c = new DescriptorChain();
    long out = m.allocate(64);
    ByteBuffer sink = ByteBuffer.allocateDirect(64);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (int round = 0; round < 3; round++) {
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 20_000; i++) {
        for (int k = 0; k < 16; k++) {
          drv.add(out, 64, false);
        }
        drv.publish();
        drv.needsKick();
        while (dev.pop(c)) {
          c.readTo(sink, 0, 64);
          dev.push(c.id(), 0);
        }
        dev.publish();
        dev.needsNotify();
        while (drv.pollUsed() != DriverQueue.EMPTY) {
          // recycle
        }
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      if (round == 2) {
        assertThat(allocated).as("bytes allocated by 320,000 transfers").isLessThan(1024);
      }
    }
  }
}
