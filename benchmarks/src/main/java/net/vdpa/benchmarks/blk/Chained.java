package net.vdpa.benchmarks.blk;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockDevice.Submit;

/**
 * {@code depth} 4 KiB random requests kept in flight by their own completions: each completion
 * counts the request and submits the next one in the same slot, on the device's thread, as
 * {@code blk:io} does and as fio's asynchronous engines reap and resubmit; no thread waits for a
 * slot. Slot {@code i} uses queue {@code i % queues}; a queue's completions all run on that queue's
 * worker, so each queue keeps its own random state and count (written by that worker only, read by
 * the benchmark thread). Allocates nothing per request.
 */
final class Chained implements BlockDevice.Completion {
  /** Counts sit 128 bytes apart, so two workers do not write one cache line. */
  private static final int STRIDE = 16;
  private final BlockDevice disk;
  private final ByteBuffer[] buffers;
  private final boolean write;
  private final int queues;
  private final long blocks;
  private final AtomicLongArray completed;
  private final long[] seeds;
  private final AtomicLongArray failures;
  /** Slots whose request is still in flight. */
  private final AtomicIntegerArray inFlight;
  private volatile boolean stopping;

  Chained(BlockDevice disk, int depth, int queues, boolean write, long blocks) {
    if (disk.queues() < queues) {
      throw new IllegalStateException("the device has " + disk.queues() + " request queues, not " + queues);
    }
    this.disk = disk;
    this.queues = queues;
    this.write = write;
    this.blocks = blocks;
    this.buffers = new ByteBuffer[depth];
    for (int i = 0; i < depth; i++) {
      buffers[i] = ByteBuffer.allocateDirect(BlockDeviceBenchmark.BS);
    }
    this.completed = new AtomicLongArray(queues * STRIDE);
    this.failures = new AtomicLongArray(queues * STRIDE);
    this.inFlight = new AtomicIntegerArray(depth);
    this.seeds = new long[queues * STRIDE];
    for (int q = 0; q < queues; q++) {
      seeds[q * STRIDE] = System.nanoTime() + q | 1;
    }
  }

  /** Submits every slot's first request; from then on the completions keep them going. */
  void start() {
    for (int s = 0; s < buffers.length; s++) {
      inFlight.set(s, 1);
      if (submit(s) != Submit.QUEUED) {
        inFlight.set(s, 0);
        throw new IllegalStateException("first submission of slot " + s + " was refused");
      }
    }
  }

  /** Requests completed so far, over every queue. */
  long completed() {
    long n = 0;
    for (int q = 0; q < queues; q++) {
      n += completed.get(q * STRIDE);
    }
    return n;
  }

  /** Requests that ended other than OK, or could not be submitted again. */
  long failures() {
    long n = 0;
    for (int q = 0; q < queues; q++) {
      n += failures.get(q * STRIDE);
    }
    return n;
  }

  private Submit submit(int s) {
    final int q = s % queues;
    final int at = q * STRIDE;
    final long seed = BlockDeviceBenchmark.xorshift(seeds[at]);
    seeds[at] = seed;
    final long offset = Long.remainderUnsigned(seed, blocks) * BlockDeviceBenchmark.BS;
    final ByteBuffer b = buffers[s].clear();
    return write ? disk.write(q, offset, b, s, this) : disk.read(q, offset, b, s, this);
  }

  @Override
  public void done(long tag, BlockStatus status) {
    final int s = (int) tag;
    final int at = (s % queues) * STRIDE;
    if (status == BlockStatus.OK) {
      completed.lazySet(at, completed.get(at) + 1); // this queue's worker is the only writer
    } else {
      failures.lazySet(at, failures.get(at) + 1);
    }
    if (stopping || submit(s) != Submit.QUEUED) {
      if (!stopping) {
        failures.lazySet(at, failures.get(at) + 1);
      }
      inFlight.set(s, 0);
    }
  }

  /** Stops resubmitting and waits until no request is in flight. */
  void stop() {
    stopping = true;
    BlockDeviceBenchmark.awaitIdle(inFlight);
  }
}
