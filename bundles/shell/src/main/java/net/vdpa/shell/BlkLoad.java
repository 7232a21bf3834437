package net.vdpa.shell;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockDevice.Submit;

/**
 * An fio-like closed-loop load on a block device: {@code depth} requests kept in flight, request
 * slot {@code i} on queue {@code i % queues} (fio's {@code numjobs} spread over the request queues),
 * each completion submitting the next one in its slot, for a duration; latencies kept in a log2 histogram of
 * microseconds. Requests and their buffers are made once, before the run.
 */
final class BlkLoad implements BlockDevice.Completion {
  /** What the load does. */
  enum Mode {
    READ, WRITE, RANDREAD, RANDWRITE, RANDRW;

    boolean random() {
      return this == RANDREAD || this == RANDWRITE || this == RANDRW;
    }
  }

  /**
   * The outcome.
   *
   * @param ops requests completed OK
   * @param bytes their bytes
   * @param errors requests that failed
   * @param nanos how long the run took
   * @param p50Micros median latency (upper bound of its bucket)
   * @param p99Micros 99th percentile
   * @param maxMicros the slowest
   * @param stoppedBy why it ended early, or null
   */
  record Result(long ops, long bytes, long errors, long nanos, long p50Micros, long p99Micros, long maxMicros,
      String stoppedBy) {}

  private final BlockDevice disk;
  private final Mode mode;
  private final int bs;
  private final int depth;
  private final int queues;
  private final long blocks;
  private final ByteBuffer[] buffers;
  private final long[] started;
  private final long[] buckets = new long[40];
  private long nextSeq;
  private long ops;
  private long bytes;
  private long errors;
  private long maxNanos;
  private int inFlight;
  private boolean stopping;
  private String stoppedBy;

  BlkLoad(BlockDevice disk, Mode mode, int bs, int depth, int queues) {
    if (bs < disk.blockSize() || bs % disk.blockSize() != 0 || bs > disk.maxTransfer()) {
      throw new IllegalArgumentException("bs " + bs + " is not a multiple of the block size " + disk.blockSize()
          + " up to " + disk.maxTransfer());
    }
    if (depth < 1 || depth > 1024) {
      throw new IllegalArgumentException("qd " + depth + " is outside 1..1024");
    }
    if (queues < 1 || queues > disk.queues()) {
      throw new IllegalArgumentException("queues " + queues + " is outside 1.." + disk.queues() + " (the request queues of "
          + disk.name() + ")");
    }
    if (queues > depth) {
      throw new IllegalArgumentException("queues " + queues + " is above qd " + depth + ": every queue needs a request");
    }
    this.queues = queues;
    this.disk = disk;
    this.mode = mode;
    this.bs = bs;
    this.depth = depth;
    this.blocks = disk.capacity() / bs;
    this.buffers = new ByteBuffer[depth];
    this.started = new long[depth];
    for (int i = 0; i < depth; i++) {
      buffers[i] = ByteBuffer.allocateDirect(bs);
      for (int j = 0; j < bs; j++) {
        buffers[i].put(j, (byte) (i * 131 + j));
      }
    }
  }

  /**
   * Runs the load.
   *
   * @param seconds how long
   * @param progress gets one line a second while it runs
   * @return the outcome
   * @throws InterruptedException if the shell interrupted the command (Ctrl-C): in-flight requests
   *     are waited for first
   */
  Result run(int seconds, Consumer<String> progress) throws InterruptedException {
    long t0 = System.nanoTime();
    long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
    // the first requests go as one batch on each queue: one notification of the device per queue
    for (int q = 0; q < queues; q++) {
      disk.plug(q);
    }
    try {
      synchronized (this) {
        for (int i = 0; i < depth && !stopping; i++) {
          submit(i);
        }
      }
    } finally {
      for (int q = 0; q < queues; q++) {
        disk.unplug(q);
      }
    }
    long lastOps = 0;
    long lastAt = t0;
    try {
      while (true) {
        long now = System.nanoTime();
        synchronized (this) {
          if (stopping || now >= end) {
            break;
          }
          wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(end - now), 1000 - TimeUnit.NANOSECONDS.toMillis(now - lastAt) % 1000)));
        }
        now = System.nanoTime();
        if (now - lastAt >= 1_000_000_000L) {
          long o;
          synchronized (this) {
            o = ops;
          }
          progress.accept(disk.name() + ": " + TimeUnit.NANOSECONDS.toSeconds(now - t0) + " s: "
              + (o - lastOps) * 1_000_000_000L / (now - lastAt) + " IOPS");
          lastOps = o;
          lastAt = now;
        }
      }
    } finally {
      synchronized (this) {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight > 0 && System.nanoTime() < deadline) {
          TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
        }
      }
    }
    synchronized (this) {
      return new Result(ops, bytes, errors, System.nanoTime() - t0, percentile(0.50), percentile(0.99),
          TimeUnit.NANOSECONDS.toMicros(maxNanos), stoppedBy);
    }
  }

  /** Submits request slot {@code i} (under the monitor). */
  private void submit(int i) {
    long seq = nextSeq++;
    long block = mode.random() ? ThreadLocalRandom.current().nextLong(blocks) : seq % blocks;
    boolean write = mode == Mode.WRITE || mode == Mode.RANDWRITE
        || (mode == Mode.RANDRW && ThreadLocalRandom.current().nextBoolean());
    ByteBuffer b = buffers[i].clear();
    started[i] = System.nanoTime();
    int q = i % queues;
    Submit s = write ? disk.write(q, block * bs, b, i, this) : disk.read(q, block * bs, b, i, this);
    if (s == Submit.QUEUED) {
      inFlight++;
    } else {
      stopping = true;
      stoppedBy = "submission " + s.name().toLowerCase(java.util.Locale.ROOT);
      notifyAll();
    }
  }

  @Override
  public synchronized void done(long tag, BlockStatus status) {
    int i = (int) tag;
    inFlight--;
    long lat = System.nanoTime() - started[i];
    if (status == BlockStatus.OK) {
      ops++;
      bytes += bs;
      maxNanos = Math.max(maxNanos, lat);
      buckets[Math.min(buckets.length - 1, 64 - Long.numberOfLeadingZeros(Math.max(1, lat / 1000)))]++;
    } else {
      errors++;
      if (status == BlockStatus.DOWN && !stopping) {
        stopping = true;
        stoppedBy = "the block device went away";
      }
    }
    if (!stopping) {
      submit(i);
    }
    notifyAll();
  }

  /** The upper bound in microseconds of the bucket holding the given fraction of completions. */
  private long percentile(double q) {
    long total = 0;
    for (long b : buckets) {
      total += b;
    }
    long want = (long) Math.ceil(total * q);
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (total > 0 && seen >= want) {
        return 1L << i;
      }
    }
    return 0;
  }
}
