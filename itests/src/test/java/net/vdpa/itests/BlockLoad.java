package net.vdpa.itests;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockDevice.Submit;

/**
 * A closed-loop write/read load on a {@link BlockDevice} for unplug tests: {@code depth} requests
 * in flight, each resubmitted from its completion, until a request ends other than OK or a
 * submission is refused. Counts what was queued and how each request ended, so a test can tell
 * that none was lost: once it stopped, {@link #awaitDrained} returns when every queued request
 * has completed.
 */
final class BlockLoad implements BlockDevice.Completion {
  private final BlockDevice disk;
  private final ByteBuffer[] buffers;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong outstanding = new AtomicLong();
  private final Map<BlockStatus, LongAdder> ended = new ConcurrentHashMap<>();
  private final CountDownLatch running;
  private final CountDownLatch drained = new CountDownLatch(1);
  private volatile boolean stopping;
  /** Why it stopped: the first refusal or non-OK status. */
  private volatile String stoppedBy;

  BlockLoad(BlockDevice disk, int depth, int warmup) {
    this.disk = disk;
    this.buffers = new ByteBuffer[depth];
    for (int i = 0; i < depth; i++) {
      buffers[i] = ByteBuffer.allocateDirect(4096);
    }
    this.running = new CountDownLatch(warmup);
  }

  /** Submits the first {@code depth} requests. */
  BlockLoad start() {
    for (int i = 0; i < buffers.length; i++) {
      submit(i);
    }
    return this;
  }

  /** Waits until {@code warmup} requests completed: the load runs. */
  boolean awaitRunning(long seconds) throws InterruptedException {
    return running.await(seconds, TimeUnit.SECONDS);
  }

  /** Waits until the load stopped and every request it queued has completed. */
  boolean awaitDrained(long seconds) throws InterruptedException {
    return drained.await(seconds, TimeUnit.SECONDS);
  }

  private void submit(int slot) {
    if (stopping) {
      return;
    }
    long n = queued.get();
    long offset = 4096L * ((n * 7 + slot) % 2048);
    outstanding.incrementAndGet();
    ByteBuffer b = buffers[slot].clear();
    Submit s = (n & 1) == 0 ? disk.write(0, offset, b, slot, this) : disk.read(0, offset, b, slot, this);
    if (s == Submit.QUEUED) {
      queued.incrementAndGet();
    } else {
      stop("submission " + s);
      settle();
    }
  }

  @Override
  public void done(long tag, BlockStatus status) {
    ended.computeIfAbsent(status, k -> new LongAdder()).increment();
    running.countDown();
    if (status != BlockStatus.OK) {
      stop("a request ended " + status);
    }
    submit((int) tag);
    settle();
  }

  private void stop(String why) {
    if (!stopping) {
      stoppedBy = why;
      stopping = true;
    }
  }

  /** One request (or refused submission) is over: the last one of a stopped load drains it. */
  private void settle() {
    if (outstanding.decrementAndGet() == 0 && stopping) {
      drained.countDown();
    }
  }

  long queued() {
    return queued.get();
  }

  long ended(BlockStatus s) {
    LongAdder a = ended.get(s);
    return a == null ? 0 : a.sum();
  }

  long endedTotal() {
    long n = 0;
    for (LongAdder a : ended.values()) {
      n += a.sum();
    }
    return n;
  }

  @Override
  public String toString() {
    return "queued " + queued() + " ended " + ended + " stopped by " + stoppedBy;
  }
}
