package net.vdpa.shell;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockDevice.BlockStatus;

/** A FLUSH on every queue of a block device, waited for: what {@code blk:flush} says happened. */
final class BlkFlush {
  private BlkFlush() {}

  /**
   * Flushes every queue and waits.
   *
   * @param d the block device
   * @param seconds how long to wait for all of them
   * @return {@code flushed}, or why not (the first queue that did not)
   * @throws InterruptedException if the shell interrupted the wait
   */
  static String all(BlockDevice d, int seconds) throws InterruptedException {
    int n = d.queues();
    CountDownLatch done = new CountDownLatch(n);
    AtomicReference<String> failed = new AtomicReference<>();
    for (int q = 0; q < n; q++) {
      BlockDevice.Submit s = d.flush(q, q, (tag, status) -> {
        if (status != BlockStatus.OK) {
          failed.compareAndSet(null, "flush of queue " + tag + " ended " + status);
        }
        done.countDown();
      });
      if (s != BlockDevice.Submit.QUEUED) {
        // BUSY means another load fills the queue: say so rather than wait for a slot
        failed.compareAndSet(null, "flush of queue " + q + " not queued: " + s);
        done.countDown();
      }
    }
    if (!done.await(seconds, TimeUnit.SECONDS)) {
      return "flush did not complete within " + seconds + " s";
    }
    return failed.get() == null ? "flushed" : failed.get();
  }
}
