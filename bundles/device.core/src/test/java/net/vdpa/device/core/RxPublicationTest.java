package net.vdpa.device.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.QueueStats;
import net.vdpa.device.core.net.RxQueue;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.split.SplitDevice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receive queue hands frames to a polling driver in groups of {@link RxQueue#PUBLISH_EVERY}
 * while a pass goes on, counted before they are visible, and interrupts only at the pass's end.
 */
class RxPublicationTest {
  private static final int FRAME = 64;
  private static final int BUFFERS = 32;

  private DriverRing ring;
  private VqSlot<QueueStats> slot;
  private final AtomicInteger interrupts = new AtomicInteger();

  private RxQueue receiveQueue(boolean packed) {
    DriverMemory mem = new DriverMemory(0x1_0000_0000L, 1 << 20);
    ring = DriverRing.create(mem, 64, packed, 0);
    for (int i = 0; i < BUFFERS; i++) {
      long iova = mem.allocate(2048, 64);
      assertTrue(ring.queue().add(iova, 2048, true) >= 0, "buffer " + i + " posted");
    }
    ring.queue().publish();
    slot = new VqSlot<>(0, new QueueStats());
    slot.queue = packed ? new PackedDevice(ring.config(), mem.iotlb()) : new SplitDevice(ring.config(), mem.iotlb());
    slot.setCallback(q -> interrupts.incrementAndGet());
    return new RxQueue(slot, false);
  }

  private static Frame frame() {
    ByteBuffer b = ByteBuffer.allocateDirect(FRAME);
    for (int i = 0; i < FRAME; i++) {
      b.put(i, (byte) i);
    }
    Frame f = new Frame();
    f.add(b, 0, FRAME);
    return f;
  }

  @ParameterizedTest(name = "packed={0}")
  @ValueSource(booleans = {false, true})
  void framesBecomeVisibleInGroupsDuringAPassAndTheInterruptWaitsForItsEnd(boolean packed) {
    RxQueue rx = receiveQueue(packed);
    Frame f = frame();
    int every = RxQueue.PUBLISH_EVERY;
    for (int i = 0; i < every - 1; i++) {
      rx.deliver(f);
    }
    assertEquals(0, UsedBuffers.take(ring.queue()), "fewer than a group: nothing published yet");
    assertEquals(0, slot.counters().get(QueueStats.RX_PACKETS));

    rx.deliver(f);
    assertEquals(every, UsedBuffers.take(ring.queue()), "a whole group is published at once");
    assertEquals(every, slot.counters().get(QueueStats.RX_PACKETS), "counted before the driver sees them");
    assertEquals(0, interrupts.get(), "no interrupt in the middle of a pass");

    rx.deliver(f);
    rx.deliver(f);
    rx.finish();
    assertEquals(2, UsedBuffers.take(ring.queue()), "the pass's end publishes the rest");
    assertEquals(every + 2, slot.counters().get(QueueStats.RX_PACKETS));
    assertEquals(1, interrupts.get(), "one interrupt for the pass");
  }
}
