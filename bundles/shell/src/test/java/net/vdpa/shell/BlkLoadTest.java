package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLongArray;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code blk:io ... queues N}: the load's requests go to every queue asked for, and only to those. */
class BlkLoadTest {
  private final ExecutorService device = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    device.shutdownNow();
  }

  /** A disk of four queues that completes every request OK on its own thread and counts per queue. */
  private final class FourQueues implements BlockDevice {
    final AtomicLongArray submitted = new AtomicLongArray(4);
    final AtomicLongArray plugged = new AtomicLongArray(4);

    private Submit submit(int queue, long tag, Completion done) {
      submitted.incrementAndGet(queue);
      device.execute(() -> done.done(tag, BlockStatus.OK));
      return Submit.QUEUED;
    }

    @Override
    public Submit read(int queue, long offset, ByteBuffer dst, long tag, Completion done) {
      return submit(queue, tag, done);
    }

    @Override
    public Submit write(int queue, long offset, ByteBuffer src, long tag, Completion done) {
      return submit(queue, tag, done);
    }

    @Override
    public Submit flush(int queue, long tag, Completion done) {
      return submit(queue, tag, done);
    }

    @Override
    public long maxDiscard() {
      return 0;
    }

    @Override
    public long maxWriteZeroes() {
      return 0;
    }

    @Override
    public Submit discard(int queue, long offset, long length, long tag, Completion done) {
      return Submit.INVALID;
    }

    @Override
    public Submit writeZeroes(int queue, long offset, long length, boolean unmap, long tag, Completion done) {
      return Submit.INVALID;
    }

    @Override
    public void plug(int queue) {
      plugged.incrementAndGet(queue);
    }

    @Override
    public void unplug(int queue) {
      plugged.decrementAndGet(queue);
    }

    @Override
    public String name() {
      return "vdq";
    }

    @Override
    public String device() {
      return "fake";
    }

    @Override
    public long capacity() {
      return 1 << 20;
    }

    @Override
    public int blockSize() {
      return 512;
    }

    @Override
    public int maxTransfer() {
      return 4096;
    }

    @Override
    public boolean readOnly() {
      return false;
    }

    @Override
    public int queues() {
      return 4;
    }

    @Override
    public BlockStats stats() {
      return new BlockStats(0, 0, 0, 0, 0, 0);
    }

    @Override
    public BlockStats stats(int queue) {
      return stats();
    }
  }

  @Test
  void theLoadIsSpreadOverTheQueuesAskedFor() throws Exception {
    FourQueues disk = new FourQueues();
    BlkLoad.Result r = new BlkLoad(disk, BlkLoad.Mode.RANDRW, 4096, 6, 3).run(1, line -> { });
    assertThat(r.errors()).isZero();
    assertThat(r.ops()).isEqualTo(disk.submitted.get(0) + disk.submitted.get(1) + disk.submitted.get(2));
    for (int q = 0; q < 3; q++) {
      assertThat(disk.submitted.get(q)).as("queue " + q).isGreaterThan(100);
    }
    assertThat(disk.submitted.get(3)).as("queue 3 was not asked for").isZero();
    for (int q = 0; q < 4; q++) {
      assertThat(disk.plugged.get(q)).as("queue " + q + " unplugged as often as plugged").isZero();
    }
  }

  @Test
  void queuesOutsideTheDiskOrAboveTheDepthAreRefused() {
    FourQueues disk = new FourQueues();
    assertThatThrownBy(() -> new BlkLoad(disk, BlkLoad.Mode.RANDREAD, 4096, 8, 5))
        .hasMessage("queues 5 is outside 1..4 (the request queues of vdq)");
    assertThatThrownBy(() -> new BlkLoad(disk, BlkLoad.Mode.RANDREAD, 4096, 8, 0))
        .hasMessage("queues 0 is outside 1..4 (the request queues of vdq)");
    assertThatThrownBy(() -> new BlkLoad(disk, BlkLoad.Mode.RANDREAD, 4096, 2, 3))
        .hasMessage("queues 3 is above qd 2: every queue needs a request");
  }
}
