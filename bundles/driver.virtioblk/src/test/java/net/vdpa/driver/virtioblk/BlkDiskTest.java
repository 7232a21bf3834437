package net.vdpa.driver.virtioblk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaDevice;
import net.vdpa.testkit.devices.SimBlkFixture;
import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockDevice.Submit;
import net.vdpa.api.blk.BlockStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver against a real simulated block device, outside a framework. */
class BlkDiskTest {
  private final VdpaDevice dev = SimBlkFixture.create("blkt0");
  private BlkDisk disk;

  @AfterEach
  void stop() {
    if (disk != null) {
      disk.stop();
    }
  }

  private static ByteBuffer pattern(int len, int seed) {
    ByteBuffer b = ByteBuffer.allocateDirect(len);
    for (int i = 0; i < len; i++) {
      b.put(i, (byte) (seed * 31 + i * 7));
    }
    return b;
  }

  /** Submits and waits for one request; returns its status. */
  private static BlockStatus await(java.util.function.Function<net.vdpa.api.blk.BlockDevice.Completion, Submit> submit)
      throws InterruptedException {
    CountDownLatch l = new CountDownLatch(1);
    BlockStatus[] got = new BlockStatus[1];
    assertThat(submit.apply((tag, st) -> {
      got[0] = st;
      l.countDown();
    })).isEqualTo(Submit.QUEUED);
    assertThat(l.await(5, TimeUnit.SECONDS)).as("completed").isTrue();
    return got[0];
  }

  @Test
  void writesAreReadBackAndCounted() throws Exception {
    disk = BlkDisk.start("vda", dev);
    assertThat(disk.capacity()).isEqualTo(128L << 20);
    assertThat(disk.blockSize()).isEqualTo(512);
    ByteBuffer w = pattern(65536, 1);
    assertThat(await(c -> disk.write(0, 1 << 20, w, 7, c))).isEqualTo(BlockStatus.OK);
    assertThat(await(c -> disk.flush(0, 8, c))).isEqualTo(BlockStatus.OK);
    ByteBuffer r = ByteBuffer.allocateDirect(65536);
    assertThat(await(c -> disk.read(0, 1 << 20, r, 9, c))).isEqualTo(BlockStatus.OK);
    assertThat(r).isEqualTo(pattern(65536, 1));
    assertThat(disk.stats()).isEqualTo(new BlockStats(1, 65536, 1, 65536, 1, 0));
  }

  @Test
  void badRequestsAreRefusedBeforeTheDeviceSeesThem() {
    disk = BlkDisk.start("vda", dev);
    BlockStatus[] never = new BlockStatus[1];
    assertThat(disk.read(0, 100, ByteBuffer.allocate(512), 0, (t, s) -> never[0] = s)).isEqualTo(Submit.INVALID);
    assertThat(disk.read(0, 0, ByteBuffer.allocate(100), 0, (t, s) -> never[0] = s)).isEqualTo(Submit.INVALID);
    assertThat(disk.write(0, disk.capacity(), ByteBuffer.allocate(512), 0, (t, s) -> never[0] = s))
        .isEqualTo(Submit.INVALID);
    assertThat(disk.read(0, 0, ByteBuffer.allocate(BlkDisk.MAX_TRANSFER + 512), 0, (t, s) -> never[0] = s))
        .isEqualTo(Submit.INVALID);
    assertThat(disk.read(3, 0, ByteBuffer.allocate(512), 0, (t, s) -> never[0] = s)).isEqualTo(Submit.INVALID);
    assertThat(never[0]).isNull();
  }

  @Test
  void discardAndWriteZeroesMakeARangeReadAsZeros() throws Exception {
    disk = BlkDisk.start("vda", dev);
    assertThat(disk.maxDiscard()).as("the device's max_discard_sectors in bytes").isEqualTo(65536L * 512);
    assertThat(disk.maxWriteZeroes()).isEqualTo(65536L * 512);
    ByteBuffer w = pattern(3 * 65536, 5);
    for (int i = 0; i < 3; i++) {
      final int k = i;
      assertThat(await(c -> disk.write(0, k * 65536L, w.slice(k * 65536, 65536), k, c))).isEqualTo(BlockStatus.OK);
    }
    assertThat(await(c -> disk.discard(0, 0, 65536, 1, c))).isEqualTo(BlockStatus.OK);
    assertThat(await(c -> disk.writeZeroes(0, 2 * 65536L, 65536, true, 2, c))).isEqualTo(BlockStatus.OK);
    ByteBuffer r = ByteBuffer.allocateDirect(3 * 65536);
    for (int i = 0; i < 3; i++) {
      final int k = i;
      assertThat(await(c -> disk.read(0, k * 65536L, r.slice(k * 65536, 65536), k, c))).isEqualTo(BlockStatus.OK);
    }
    assertThat(r.slice(0, 65536)).as("discarded").isEqualTo(ByteBuffer.allocate(65536));
    assertThat(r.slice(65536, 65536)).as("untouched").isEqualTo(w.slice(65536, 65536));
    assertThat(r.slice(2 * 65536, 65536)).as("zeroed").isEqualTo(ByteBuffer.allocate(65536));
    assertThat(dev.vendorVqStats(0)).containsEntry("discard_ops", 1L).containsEntry("write_zeroes_ops", 1L);

    BlockStatus[] never = new BlockStatus[1];
    assertThat(disk.discard(0, 100, 512, 0, (t, st) -> never[0] = st)).as("unaligned").isEqualTo(Submit.INVALID);
    assertThat(disk.discard(0, 0, 0, 0, (t, st) -> never[0] = st)).as("empty").isEqualTo(Submit.INVALID);
    assertThat(disk.discard(0, 0, disk.maxDiscard() + 512, 0, (t, st) -> never[0] = st)).as("too long")
        .isEqualTo(Submit.INVALID);
    assertThat(disk.writeZeroes(0, disk.capacity() - 512, 1024, false, 0, (t, st) -> never[0] = st))
        .as("past the end").isEqualTo(Submit.INVALID);
    assertThat(never[0]).isNull();
  }

  @Test
  void aPluggedQueueNotifiesTheDeviceOnlyAtTheLastUnplug() throws Exception {
    java.util.concurrent.atomic.AtomicInteger kicks = new java.util.concurrent.atomic.AtomicInteger();
    VdpaDevice counted = (VdpaDevice) java.lang.reflect.Proxy.newProxyInstance(VdpaDevice.class.getClassLoader(),
        new Class<?>[] {VdpaDevice.class}, (proxy, m, args) -> {
          if (m.getName().equals("kickVq")) {
            kicks.incrementAndGet();
          }
          try {
            return m.invoke(dev, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    disk = BlkDisk.start("vda", counted);
    ByteBuffer one = ByteBuffer.allocateDirect(4096);
    assertThat(await(c -> disk.read(0, 0, one, 0, c))).isEqualTo(BlockStatus.OK);
    assertThat(kicks.get()).as("the idle device was notified of the first request").isEqualTo(1);

    CountDownLatch all = new CountDownLatch(8);
    disk.plug(0);
    disk.plug(0);
    for (int i = 0; i < 8; i++) {
      assertThat(disk.read(0, i * 4096L, ByteBuffer.allocateDirect(4096), i, (t, st) -> all.countDown()))
          .isEqualTo(Submit.QUEUED);
    }
    disk.unplug(0);
    assertThat(kicks.get()).as("no notification while a plug is held").isEqualTo(1);
    disk.unplug(0);
    assertThat(all.await(5, TimeUnit.SECONDS)).as("the batch reached the device at the last unplug").isTrue();
    assertThat(kicks.get()).as("at most one notification for the batch").isBetween(1, 2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> disk.unplug(0)).hasMessage("queue 0 is not plugged");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> disk.plug(1)).hasMessage("queue 1 is outside 0..0");
  }

  @Test
  void manyRequestsInFlightAllComplete() throws Exception {
    disk = BlkDisk.start("vda", dev);
    int total = 2000;
    CountDownLatch all = new CountDownLatch(total);
    List<Long> failed = new CopyOnWriteArrayList<>();
    ByteBuffer src = pattern(4096, 3);
    for (int i = 0; i < total; i++) {
      long off = (long) (i % 1000) * 4096;
      Submit s;
      while ((s = disk.write(0, off, src.duplicate(), i, (tag, st) -> {
        if (st != BlockStatus.OK) {
          failed.add(tag);
        }
        all.countDown();
      })) == Submit.BUSY) {
        Thread.onSpinWait();
      }
      assertThat(s).isEqualTo(Submit.QUEUED);
    }
    assertThat(all.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(failed).isEmpty();
    assertThat(disk.stats().writes()).isEqualTo(total);
  }

  /** A closed loop like blk:io's: the submitter holds its lock while submitting, completions take it. */
  @Test
  @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aCompletionTakingTheSubmittersLockNeverDeadlocks() throws Exception {
    disk = BlkDisk.start("vda", dev);
    Object lock = new Object();
    long[] done = new long[1];
    CountDownLatch finished = new CountDownLatch(1);
    ByteBuffer[] bufs = new ByteBuffer[32];
    net.vdpa.api.blk.BlockDevice.Completion[] self = new net.vdpa.api.blk.BlockDevice.Completion[1];
    self[0] = (tag, st) -> {
      synchronized (lock) {
        if (++done[0] >= 20_000) {
          finished.countDown();
          return;
        }
        disk.read(0, (done[0] % 1000) * 4096, bufs[(int) tag].clear(), tag, self[0]);
      }
    };
    synchronized (lock) {
      for (int i = 0; i < 32; i++) {
        bufs[i] = ByteBuffer.allocateDirect(4096);
        assertThat(disk.read(0, i * 4096L, bufs[i], i, self[0])).isEqualTo(Submit.QUEUED);
      }
    }
    assertThat(finished.await(30, TimeUnit.SECONDS)).as("20,000 completions without a deadlock").isTrue();
  }

  @Test
  void stoppingEndsEveryRequestInFlightWithDown() throws Exception {
    disk = BlkDisk.start("vda", dev);
    dev.suspend(); // requests queue up and are not served
    CountDownLatch ended = new CountDownLatch(5);
    List<BlockStatus> seen = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 5; i++) {
      assertThat(disk.read(0, 0, ByteBuffer.allocate(512), i, (t, st) -> {
        seen.add(st);
        ended.countDown();
      })).isEqualTo(Submit.QUEUED);
    }
    disk.stop();
    assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).containsOnly(BlockStatus.DOWN).hasSize(5);
    assertThat(disk.read(0, 0, ByteBuffer.allocate(512), 9, (t, st) -> { })).isEqualTo(Submit.DOWN);
    disk = null;
  }

  @Test
  void everyQueueTheDeviceOffersCarriesRequestsAndCountsItsOwn() throws Exception {
    VdpaDevice four = SimBlkFixture.create("blkq4", 16L << 20, null, 4);
    BlkDisk d = BlkDisk.start("vdb", four);
    try {
      assertThat(d.queues()).isEqualTo(4);
      for (int q = 0; q < 4; q++) {
        final int queue = q;
        ByteBuffer w = pattern(8192, q + 10);
        assertThat(await(c -> d.write(queue, queue * 65536L, w, queue, c))).isEqualTo(BlockStatus.OK);
      }
      for (int q = 0; q < 4; q++) {
        // read on another queue than the one that wrote: one disk behind every queue
        final int queue = (q + 1) % 4;
        final long at = q * 65536L;
        ByteBuffer r = ByteBuffer.allocateDirect(8192);
        assertThat(await(c -> d.read(queue, at, r, 0, c))).isEqualTo(BlockStatus.OK);
        assertThat(r).as("what queue " + q + " wrote").isEqualTo(pattern(8192, q + 10));
      }
      for (int q = 0; q < 4; q++) {
        assertThat(d.stats(q)).as("queue " + q).isEqualTo(new BlockStats(1, 8192, 1, 8192, 0, 0));
        assertThat(four.vendorVqStats(q)).as("the device's queue " + q).containsEntry("read_ops", 1L)
            .containsEntry("write_ops", 1L);
      }
      assertThat(d.stats()).isEqualTo(new BlockStats(4, 4 * 8192, 4, 4 * 8192, 0, 0));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.stats(4)).hasMessage("queue 4 is outside 0..3");
      assertThat(d.read(4, 0, ByteBuffer.allocate(512), 0, (t, st) -> { })).isEqualTo(Submit.INVALID);
    } finally {
      d.stop();
    }
  }

  /** One thread per queue, each with 16 requests in flight: every queue's requests complete, none lost. */
  @Test
  void fourQueuesUnderLoadFromFourThreadsAllComplete() throws Exception {
    VdpaDevice four = SimBlkFixture.create("blkq4l", 16L << 20, null, 4);
    BlkDisk d = BlkDisk.start("vdc", four);
    try {
      int perQueue = 3000;
      CountDownLatch all = new CountDownLatch(4 * perQueue);
      List<Long> failed = new CopyOnWriteArrayList<>();
      Thread[] threads = new Thread[4];
      for (int q = 0; q < 4; q++) {
        final int queue = q;
        threads[q] = new Thread(() -> {
          ByteBuffer src = pattern(4096, queue);
          for (int i = 0; i < perQueue; i++) {
            long off = (long) (i % 1000) * 4096;
            while (d.write(queue, off, src.duplicate(), i, (tag, st) -> {
              if (st != BlockStatus.OK) {
                failed.add(tag);
              }
              all.countDown();
            }) == Submit.BUSY) {
              Thread.onSpinWait();
            }
          }
        }, "submitter-" + q);
        threads[q].start();
      }
      assertThat(all.await(30, TimeUnit.SECONDS)).as("every request completed").isTrue();
      assertThat(failed).isEmpty();
      for (int q = 0; q < 4; q++) {
        assertThat(d.stats(q).writes()).as("queue " + q).isEqualTo(perQueue);
        assertThat(four.vendorVqStats(q)).as("the device's queue " + q).containsEntry("write_ops", (long) perQueue);
      }
    } finally {
      d.stop();
    }
  }
}
