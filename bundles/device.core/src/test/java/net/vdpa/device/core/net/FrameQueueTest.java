package net.vdpa.device.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The frame queue: order, capacity, tags, and many producers against one consumer. */
class FrameQueueTest {

  /** A frame of {@code len} bytes whose bytes 14..21 hold {@code producer << 32 | n}. */
  private static Frame frame(int len, int producer, int n) {
    ByteBuffer b = ByteBuffer.allocate(len);
    for (int i = 0; i < len; i++) {
      b.put(i, (byte) (i * 7));
    }
    b.putLong(14, ((long) producer << 32) | n);
    Frame f = new Frame();
    f.add(b, 0, len);
    f.setHash(n * 31L);
    return f;
  }

  private static long stamp(Frame f) {
    ByteBuffer b = ByteBuffer.allocate(f.length());
    f.rewind();
    f.read(b, 0, f.length());
    return b.getLong(14);
  }

  @Test
  void framesComeOutInOrderWithTheirLengthAndHashAcrossManyWraps() {
    FrameQueue q = new FrameQueue(8, 1518);
    Frame out = new Frame();
    int next = 0;
    for (int n = 0; n < 100; n++) {
      for (int k = 0; k < 1 + n % 8; k++) {
        assertTrue(q.offer(frame(60 + (next + k) % 1400, 0, next + k)));
      }
      for (int k = 0; k < 1 + n % 8; k++) {
        assertTrue(q.peek(out));
        assertEquals(60 + next % 1400, out.length());
        assertEquals(next * 31L, out.hash());
        assertEquals(next, stamp(out));
        q.remove();
        next++;
      }
      assertFalse(q.nonEmpty());
      assertFalse(q.peek(out));
    }
  }

  @Test
  void aFullQueueRefusesAndCountsThenTakesAgainOnceOneIsRemoved() {
    FrameQueue q = new FrameQueue(4, 64);
    for (int i = 0; i < 4; i++) {
      assertTrue(q.offer(frame(64, 0, i)));
    }
    assertFalse(q.offer(frame(64, 0, 4)));
    assertFalse(q.offer(frame(64, 0, 5)));
    assertEquals(2, q.overflows());
    Frame out = new Frame();
    assertTrue(q.peek(out));
    assertEquals(0, stamp(out));
    q.remove();
    assertTrue(q.offer(frame(64, 0, 6)));
    assertFalse(q.offer(frame(64, 0, 7)));
    for (int want : new int[] {1, 2, 3, 6}) {
      assertTrue(q.peek(out));
      assertEquals(want, stamp(out));
      q.remove();
    }
    assertFalse(q.nonEmpty());
  }

  @Test
  void aFrameLongerThanASlotIsRefusedAndANonPowerOfTwoCapacityIsAnError() {
    FrameQueue q = new FrameQueue(4, 100);
    assertFalse(q.offer(frame(101, 0, 0)));
    assertTrue(q.offer(frame(100, 0, 0)));
    assertThrows(IllegalArgumentException.class, () -> new FrameQueue(6, 100));
  }

  @Test
  void tagsArePushedAndPoppedOnTheWayIn() {
    FrameQueue q = new FrameQueue(4, 128);
    Frame plain = frame(64, 0, 1);
    assertTrue(q.offer(plain, 0x10000 | 42));
    Frame out = new Frame();
    assertTrue(q.peek(out));
    assertEquals(68, out.length());
    assertEquals(42, out.vid());
    ByteBuffer tagged = ByteBuffer.allocate(68);
    out.rewind();
    out.read(tagged, 0, 68);
    q.remove();
    Frame in = new Frame();
    in.add(tagged, 0, 68);
    assertTrue(q.offer(in, FrameQueue.POP_TAG));
    assertTrue(q.peek(out));
    assertEquals(64, out.length());
    assertEquals(1, stamp(out));
    assertEquals(-1, out.vid());
  }

  @Test
  void theConsumerReportsAWaitingProducerOnceAfterItMadeRoom() {
    FrameQueue q = new FrameQueue(2, 64);
    assertFalse(q.takeBlocked());
    q.markBlocked();
    assertTrue(q.takeBlocked());
    assertFalse(q.takeBlocked());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void fourProducersAndOneConsumerLoseAndDuplicateNothingAndKeepEachProducersOrder() throws Exception {
    final int producers = 4;
    final int each = 200_000;
    FrameQueue q = new FrameQueue(16, 128);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      final int id = p;
      Thread t = new Thread(() -> {
        ByteBuffer b = ByteBuffer.allocateDirect(64 + id * 8);
        Frame f = new Frame();
        for (int n = 0; n < each; n++) {
          b.putLong(14, ((long) id << 32) | n);
          f.clear();
          f.add(b, 0, b.capacity());
          f.setHash(n);
          while (!q.offer(f)) {
            Thread.onSpinWait();
          }
        }
      }, "producer-" + p);
      threads.add(t);
      t.start();
    }
    int[] next = new int[producers];
    Frame out = new Frame();
    ByteBuffer read = ByteBuffer.allocate(128);
    long total = (long) producers * each;
    for (long got = 0; got < total;) {
      if (!q.peek(out)) {
        Thread.onSpinWait();
        continue;
      }
      out.rewind();
      out.read(read, 0, out.length());
      long s = read.getLong(14);
      int p = (int) (s >>> 32);
      int n = (int) s;
      assertEquals(64 + p * 8, out.length(), "length of producer " + p + "'s frame " + n);
      assertEquals(next[p], n, "producer " + p + "'s frames out of order");
      assertEquals(n, out.hash());
      next[p]++;
      q.remove();
      got++;
    }
    for (Thread t : threads) {
      t.join();
    }
    assertFalse(q.nonEmpty());
    for (int p = 0; p < producers; p++) {
      assertEquals(each, next[p]);
    }
  }
}
