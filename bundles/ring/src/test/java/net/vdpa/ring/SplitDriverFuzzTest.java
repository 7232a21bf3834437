package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.vdpa.ring.split.SplitDriver;
import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.testing.MockDriver;
import org.junit.jupiter.api.Test;

/**
 * The split driver, with and without VIRTIO_F_IN_ORDER, against a device that is honest most of the
 * time and writes nonsense the rest: used elements naming ids out of range, descriptors inside a
 * chain, chains already taken back or never added, and used indices that jump. Each try runs 300
 * random steps (adds of one to three descriptors, publishes, device writes, single polls and bursts).
 *
 * <p>Checked after every step: nothing throws; every id the driver hands back names a chain it
 * added and has not handed back, and under IN_ORDER the oldest such chain; while the queue runs,
 * its free descriptors and those of the chains in flight add up to the queue size; once it has
 * stopped, it stays stopped and adds nothing. Honest devices must also get every chain back.
 */
class SplitDriverFuzzTest {
  private static final long IN_ORDER = VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER);
  private static final int STEPS = 300;

  /** How often the device lies: rarely (most queues run to the end), or often (most stop early). */
  private static final double[] HOSTILE = {0.005, 0.02, 0.15};

  @Property(tries = 600)
  void survivesARandomDevice(@ForAll long seed, @ForAll boolean inOrder) {
    SplittableRandom rnd = new SplittableRandom(seed);
    run(rnd, inOrder, HOSTILE[rnd.nextInt(HOSTILE.length)]);
  }

  @Test
  void theRandomDeviceStopsSomeQueuesAndNotOthers() {
    for (boolean inOrder : new boolean[] {false, true}) {
      int stopped = 0;
      int returned = 0;
      for (long seed = 0; seed < 100; seed++) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Model model = run(rnd, inOrder, HOSTILE[rnd.nextInt(HOSTILE.length)]);
        stopped += model.queue.error() != RingError.NONE ? 1 : 0;
        returned += model.returned;
      }
      assertThat(stopped).as("queues stopped of 100, IN_ORDER %s", inOrder).isBetween(10, 95);
      assertThat(returned).as("chains handed back, IN_ORDER %s", inOrder).isGreaterThan(1000);
    }
  }

  @Property(tries = 200)
  void anHonestDeviceGetsEveryChainBack(@ForAll long seed, @ForAll boolean inOrder) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Model model = run(rnd, inOrder, 0);
    assertThat(model.queue.error()).isEqualTo(RingError.NONE);
    // the device uses what it has not used yet (under IN_ORDER one element for all of them)
    model.deviceUsesAll(rnd);
    int[] ids = new int[model.size];
    int k;
    while ((k = model.queue.pollUsed(ids, null, ids.length)) > 0) {
      for (int i = 0; i < k; i++) {
        model.takeBack(ids[i]);
      }
    }
    assertThat(model.inFlight).isEmpty();
    assertThat(model.queue.freeDescriptors()).isEqualTo(model.size);
  }

  private static Model run(SplittableRandom rnd, boolean inOrder, double hostile) {
    Model model = new Model(rnd.nextBoolean() ? 8 : 16, inOrder, hostile);
    for (int step = 0; step < STEPS; step++) {
      switch (rnd.nextInt(5)) {
        case 0, 1 -> model.add(rnd);
        case 2 -> model.queue.publish();
        case 3 -> model.deviceUses(rnd);
        default -> model.poll(rnd);
      }
      model.check();
    }
    return model;
  }

  /** The driver under test, and what it should hold. */
  private static final class Model {
    final int size;
    final boolean inOrder;
    final double hostile;
    final MockDriver mock;
    final DriverQueue queue;
    final RawRing raw;
    final long buffer;
    /** Chains added and not handed back, in the order they were added: head to descriptor count. */
    final Map<Integer, Integer> inFlight = new LinkedHashMap<>();
    /** Heads the device has not used yet, in the order they were added. */
    final List<Integer> unused = new ArrayList<>();
    int usedIdx;
    int returned;
    boolean stopped;

    Model(int size, boolean inOrder, double hostile) {
      this.size = size;
      this.inOrder = inOrder;
      this.hostile = hostile;
      this.mock = MockDriver.split(size, inOrder ? IN_ORDER : 0, 1 << 16);
      this.queue = mock.queue();
      this.raw = RawRing.of(mock);
      this.buffer = mock.allocate(64);
    }

    void add(SplittableRandom rnd) {
      int n = 1 + rnd.nextInt(3);
      int id = n == 1
          ? queue.add(buffer, 64, rnd.nextBoolean())
          : queue.add(new long[] {buffer, buffer, buffer}, new int[] {8, 8, 8}, n - 1, 1);
      if (id == DriverQueue.FULL) {
        return;
      }
      assertThat(inFlight).doesNotContainKey(id);
      inFlight.put(id, n);
      unused.add(id);
    }

    /** Writes one used element and publishes it, honestly or not. */
    void deviceUses(SplittableRandom rnd) {
      int id;
      int step = 1;
      if (rnd.nextDouble() < hostile) {
        switch (rnd.nextInt(4)) {
          case 0 -> id = rnd.nextInt(-2, size + 3); // anything, in range or not
          case 1 -> id = inFlight.isEmpty() ? 0 : (inFlight.keySet().iterator().next() + 1) % size; // inside a chain, or beside one
          case 2 -> id = rnd.nextInt(size); // perhaps a chain already taken back
          default -> {
            id = unused.isEmpty() ? 0 : unused.get(0);
            step = 2 + rnd.nextInt(size); // the used index jumps
          }
        }
      } else {
        if (unused.isEmpty()) {
          return;
        }
        int pick = inOrder ? rnd.nextInt(Math.min(3, unused.size())) : rnd.nextInt(unused.size());
        id = unused.get(pick);
        if (inOrder) {
          unused.subList(0, pick + 1).clear(); // one element for a batch: every chain up to this one
        } else {
          unused.remove(pick);
        }
      }
      write(id, step);
    }

    /** An honest device's last act: every chain not yet used comes back. */
    void deviceUsesAll(SplittableRandom rnd) {
      if (inOrder && !unused.isEmpty()) {
        write(unused.get(unused.size() - 1), 1);
      } else {
        for (int id : unused) {
          write(id, 1);
        }
      }
      unused.clear();
    }

    private void write(int id, int step) {
      long u = mock.config().deviceAddr();
      raw.put(u + SplitLayout.USED_RING + 8L * (usedIdx % size), id, 4);
      raw.put(u + SplitLayout.USED_RING + 8L * (usedIdx % size) + 4, 64, 4);
      usedIdx = (usedIdx + step) & 0xFFFF;
      raw.put(u + SplitLayout.USED_IDX, usedIdx, 2);
    }

    void poll(SplittableRandom rnd) {
      if (rnd.nextBoolean()) {
        long used = queue.pollUsed();
        if (used != DriverQueue.EMPTY) {
          takeBack(DriverQueue.usedId(used));
        }
        return;
      }
      int[] ids = new int[size];
      int[] lens = new int[size];
      int k = queue.pollUsed(ids, lens, 1 + rnd.nextInt(size));
      for (int i = 0; i < k; i++) {
        takeBack(ids[i]);
      }
    }

    void takeBack(int id) {
      assertThat(inFlight).as("handed back %d", id).containsKey(id);
      if (inOrder) {
        assertThat(id).as("the oldest chain in flight").isEqualTo(inFlight.keySet().iterator().next());
      }
      inFlight.remove(id);
      unused.remove(Integer.valueOf(id));
      returned++;
    }

    void check() {
      int free = queue.freeDescriptors();
      assertThat(free).isBetween(0, size);
      if (queue.error() == RingError.NONE) {
        int held = inFlight.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(free + held).isEqualTo(size);
        assertThat(((SplitDriver) queue).inFlight()).isEqualTo(inFlight.size());
      } else {
        stopped = true;
        assertThat(queue.add(buffer, 64, false)).isEqualTo(DriverQueue.FULL);
        assertThat(queue.pollUsed()).isEqualTo(DriverQueue.EMPTY);
        assertThat(queue.pollUsed(new int[size], new int[size], size)).isZero();
      }
      if (stopped) {
        assertThat(queue.error()).as("a stopped queue stays stopped").isNotEqualTo(RingError.NONE);
      }
    }
  }
}
