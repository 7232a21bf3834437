package net.vdpa.device.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;
import net.vdpa.device.core.net.NetPairWorker;
import net.vdpa.device.core.net.QueueStats;
import net.vdpa.device.core.net.RxFilter;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.split.SplitDevice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transmit side takes chains in batches: a receiver that is full in the middle of a batch
 * holds the rest of it, which goes first, in order, once the worker runs again; before a pause the
 * held chains are used and counted as dropped.
 */
class HeldBatchTest {
  private static final int FRAMES = 40;
  private static final int FRAME = 60;
  /** Chains the worker takes at once (NetPairWorker.TAKE, package-private there). */
  private static final int TAKE = 32;

  private DriverRing ring;
  private VqSlot<QueueStats> slot;

  /** A worker whose frames go to a list, except that the receiver is full at the chosen frames. */
  private static final class Worker extends NetPairWorker {
    final List<Integer> carried = new ArrayList<>();
    final List<Integer> fullAt = new ArrayList<>();

    Worker(VqSlot<QueueStats> tx) {
      super("held-batch", 0, new RxFilter(0x02_00_00_00_00_01L), null, tx, null, false, 1514, false);
    }

    @Override
    protected int carry(Frame frame) {
      int seq = frame.u8(14);
      if (fullAt.remove((Integer) seq)) {
        return FULL;
      }
      carried.add(seq);
      return CARRIED;
    }

    @Override
    protected FrameQueue inbox() {
      return null;
    }
  }

  private Worker worker(boolean packed) {
    DriverMemory mem = new DriverMemory(0x1_0000_0000L, 1 << 20);
    ring = DriverRing.create(mem, 64, packed, 0);
    for (int i = 0; i < FRAMES; i++) {
      long iova = mem.allocate(128, 64);
      java.nio.ByteBuffer b = mem.buffer();
      int off = mem.offset(iova);
      for (int k = 0; k < VirtioNet.HDR_LEN + FRAME; k++) {
        b.put(off + k, (byte) 0);
      }
      b.put(off + VirtioNet.HDR_LEN + 14, (byte) i);
      assertTrue(ring.queue().add(iova, VirtioNet.HDR_LEN + FRAME, false) >= 0, "frame " + i + " added");
    }
    ring.queue().publish();
    slot = new VqSlot<>(1, new QueueStats());
    slot.queue = packed ? new PackedDevice(ring.config(), mem.iotlb()) : new SplitDevice(ring.config(), mem.iotlb());
    return new Worker(slot);
  }

  @ParameterizedTest(name = "packed={0}")
  @ValueSource(booleans = {false, true})
  void theRestOfAHeldBatchGoesFirstAndInOrder(boolean packed) {
    Worker w = worker(packed);
    w.fullAt.add(5);
    w.fullAt.add(33);
    QueueWorker q = w;
    assertTrue(q.pass());
    assertEquals(List.of(0, 1, 2, 3, 4), w.carried, "stopped at the full receiver");
    assertEquals(5, UsedBuffers.take(ring.queue()), "only what was carried is used");
    assertFalse(q.mayArm(), "a holding worker waits to be woken, not for kicks");

    assertTrue(q.pass());
    assertTrue(q.pass());
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      all.add(i);
    }
    assertEquals(all, w.carried, "every frame once, in order, the held ones first");
    assertEquals(FRAMES - 5, UsedBuffers.take(ring.queue()));
    assertEquals(FRAMES, slot.counters().get(QueueStats.TX_PACKETS));
    assertTrue(q.mayArm());
  }

  @ParameterizedTest(name = "packed={0}")
  @ValueSource(booleans = {false, true})
  void heldChainsAreUsedAndDroppedBeforeAPause(boolean packed) {
    Worker w = worker(packed);
    w.fullAt.add(3);
    QueueWorker q = w;
    q.pass();
    assertEquals(3, UsedBuffers.take(ring.queue()));
    q.beforePause();
    assertEquals(TAKE - 3, UsedBuffers.take(ring.queue()), "the held frame and the rest of its batch");
    assertEquals(TAKE - 3, slot.counters().get(QueueStats.TX_DROPS));
    assertTrue(q.mayArm());
  }
}
