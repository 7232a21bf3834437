package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.ring.split.SplitDriver;
import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;

/**
 * The split ring's driver and device skip storing a descriptor, available entry or used element
 * that already holds the value (so that a line the other side has cached stays there). These tests
 * guard the other half of that: whatever differs is still written, so stale or tampered ring memory
 * never reaches the other side.
 */
class EqualWritesSkippedTest {
  @Test
  void reAddedBufferRewritesEveryDescriptorFieldThatWasChanged() {
    MockDriver m = MockDriver.split(8, 0, 1 << 16);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    long buf = m.allocate(64);
    int id = q.add(buf, 64, false);
    q.publish();
    assertThat(d.pop(c)).isTrue();
    assertThat(d.push(c.id(), 0)).isEqualTo(RingError.NONE);
    d.publish();
    assertThat(DriverQueue.usedId(q.pollUsed())).isEqualTo(id);
    // the other ids in turn, until the queue hands out the first one again (free ids are first in, first out)
    while (q.nextId() != id) {
      q.add(m.allocate(64), 64, false);
      q.publish();
      assertThat(d.pop(c)).isTrue();
      assertThat(d.push(c.id(), 0)).isEqualTo(RingError.NONE);
      d.publish();
      assertThat(q.pollUsed()).isNotEqualTo(DriverQueue.EMPTY);
    }
    int availIdx = ((SplitDriver) q).availIdx();
    // someone scribbles over the free descriptor and the available entry
    RawRing r = RawRing.of(m);
    long desc = m.config().descAddr() + SplitLayout.DESC_SIZE * (long) id;
    r.put(desc + SplitLayout.DESC_ADDR, 0xdead_0000L, 8);
    r.put(desc + SplitLayout.DESC_LEN, 7, 4);
    r.put(desc + SplitLayout.DESC_FLAGS, SplitLayout.F_WRITE | SplitLayout.F_NEXT, 2);
    r.put(desc + SplitLayout.DESC_NEXT, 5, 2);
    long availSlot = m.config().driverAddr() + SplitLayout.AVAIL_RING + 2L * (availIdx % 8);
    r.put(availSlot, 6, 2);
    // the same buffer under the same id again: the device must see the driver's values
    assertThat(q.add(buf, 64, false)).isEqualTo(id);
    q.publish();
    assertThat(r.get(availSlot, 2)).isEqualTo(id);
    assertThat(d.pop(c)).isTrue();
    assertThat(c.id()).isEqualTo(id);
    assertThat(c.descriptorCount()).isEqualTo(1);
    assertThat(c.readableBytes()).isEqualTo(64);
    assertThat(c.writableBytes()).isZero();
    assertThat(r.get(desc + SplitLayout.DESC_ADDR, 8)).isEqualTo(buf);
    assertThat(d.error()).isEqualTo(RingError.NONE);
  }

  @Test
  void pushRewritesAUsedElementThatWasChanged() {
    MockDriver m = MockDriver.split(1, 0, 1 << 16);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    long buf = m.allocate(64);
    RawRing r = RawRing.of(m);
    long elem = m.config().deviceAddr() + SplitLayout.USED_RING;
    for (int lap = 0; lap < 3; lap++) {
      int id = q.add(buf, 64, true);
      q.publish();
      assertThat(d.pop(c)).isTrue();
      if (lap == 2) {
        // the driver (or anyone) tampered with the used element between laps
        r.put(elem + SplitLayout.USED_ELEM_ID, 3, 4);
        r.put(elem + SplitLayout.USED_ELEM_LEN, 1000, 4);
      }
      assertThat(d.push(c.id(), 40)).isEqualTo(RingError.NONE);
      d.publish();
      assertThat(q.pollUsed()).isEqualTo(DriverQueue.used(id, 40));
      assertThat(r.get(elem + SplitLayout.USED_ELEM_LEN, 4)).isEqualTo(40);
    }
    assertThat(q.error()).isEqualTo(RingError.NONE);
  }
}
