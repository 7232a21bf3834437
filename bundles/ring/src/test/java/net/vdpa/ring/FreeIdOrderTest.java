package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both drivers reuse chain ids first in, first out, and say which comes next: with a device that
 * uses chains in order, a driver that keeps a buffer per id then writes the same ring bytes every
 * lap (split: the same head in each available slot, the same descriptor per id).
 */
class FreeIdOrderTest {
  private static final int SIZE = 8;

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void idsComeRoundInTheOrderTheyWereUsed(String kind) {
    MockDriver m = kind.equals("split") ? MockDriver.split(SIZE, 0, 1 << 16) : MockDriver.packed(SIZE, 0, 1 << 16);
    DriverQueue q = m.queue();
    DeviceQueue d = m.newDevice();
    DescriptorChain c = new DescriptorChain();
    long[] bufOfId = new long[SIZE];
    for (int i = 0; i < SIZE; i++) {
      bufOfId[i] = m.allocate(64);
    }
    int[] firstLap = new int[SIZE];
    int added = 0;
    while (added < 4 * SIZE) {
      // bursts of 3 in a ring of 8: used and free ids interleave differently at every wrap
      int burst = Math.min(3, 4 * SIZE - added);
      for (int k = 0; k < burst; k++, added++) {
        int next = q.nextId();
        assertThat(q.add(bufOfId[next], 64, false)).as("add returns the id nextId named").isEqualTo(next);
        int slot = added % SIZE;
        if (added < SIZE) {
          firstLap[slot] = next;
        } else {
          assertThat(next).as("lap %d, position %d", added / SIZE, slot).isEqualTo(firstLap[slot]);
        }
      }
      q.publish();
      for (int k = 0; k < burst; k++) {
        assertThat(d.pop(c)).isTrue();
        assertThat(d.push(c.id(), 0)).isEqualTo(RingError.NONE);
      }
      d.publish();
      for (int k = 0; k < burst; k++) {
        assertThat(q.pollUsed()).isNotEqualTo(DriverQueue.EMPTY);
      }
    }
    if (kind.equals("split")) {
      RawRing r = RawRing.of(m);
      for (int slot = 0; slot < SIZE; slot++) {
        assertThat(r.get(m.config().driverAddr() + SplitLayout.AVAIL_RING + 2L * slot, 2))
            .as("available slot %d", slot).isEqualTo(firstLap[slot]);
      }
    }
    assertThat(d.error()).isEqualTo(RingError.NONE);
    assertThat(q.error()).isEqualTo(RingError.NONE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"split", "packed"})
  void nextIdIsFullWhenTheRingIs(String kind) {
    MockDriver m = kind.equals("split") ? MockDriver.split(SIZE, 0, 1 << 16) : MockDriver.packed(SIZE, 0, 1 << 16);
    DriverQueue q = m.queue();
    long buf = m.allocate(64);
    for (int i = 0; i < SIZE; i++) {
      assertThat(q.add(buf, 64, true)).isEqualTo(i);
    }
    assertThat(q.nextId()).isEqualTo(DriverQueue.FULL);
    assertThat(q.add(buf, 64, true)).isEqualTo(DriverQueue.FULL);
  }
}
