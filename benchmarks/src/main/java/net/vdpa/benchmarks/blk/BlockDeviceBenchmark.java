package net.vdpa.benchmarks.blk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockDevice.Submit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * 4 KiB random reads or writes on a file-backed block device: through {@link BlockDevice} (the
 * virtio_blk driver, the ring, the simulated device and its {@code FileChannel}) at queue depth 1
 * and 32 from one submitting thread, beside the baseline of {@link FileChannel} positional reads or
 * writes of the same file by 1 and 32 threads, in the same trial. One operation is one 4 KiB
 * request; the device methods keep {@code depth} requests in flight and count one each time a slot
 * is reused, so their rate is the completion rate. The device has {@link #QUEUES} request queues,
 * each served by a worker thread of its own: queue depth 1 uses queue 0; queue depth 32 spreads its
 * slots over every queue (slot {@code i} on queue {@code i % QUEUES}), as a guest spreads its I/O
 * over a multi-queue disk, so the device may use as many CPUs as the 32 baseline threads do. The
 * {@code ...Chained} methods keep the same depths in flight the way {@code blk:io} and fio's
 * asynchronous engines do: each completion submits its slot's next request, on the device's
 * thread, and no thread waits for a slot (on two CPUs a waiting submitter takes CPU time the two
 * device workers need); their figure is the {@code completed} counter. The request path reuses its buffers and slots:
 * {@code -prof gc} shows what it allocates per request.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BlockDeviceBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BlockDeviceBenchmark {
  /** 4 KiB requests. */
  static final int BS = 4096;
  /** A 256 MiB file, shared by both sides; filled first, so both measure the page-cache path, not the disk. */
  static final long CAPACITY = 256L << 20;
  static final long BLOCKS = CAPACITY / BS;
  /** The device's request queues: one per CPU of the 2-vCPU machine the figures come from. */
  static final int QUEUES = 2;

  /** {@code randread} or {@code randwrite}. */
  @Param({"randread", "randwrite"})
  public String rw;

  private Path dir;
  private Path file;
  private BlkRuntime runtime;
  private FileChannel channel;
  private boolean write;
  private Slots qd1;
  private Slots qd32;
  private Chained chained1;
  private Chained chained32;

  /** Boots the runtime on a new file, fills the file, and opens the baseline's channel on it. */
  @Setup(Level.Trial)
  public void boot() throws Exception {
    write = switch (rw) {
      case "randread" -> false;
      case "randwrite" -> true;
      default -> throw new IllegalArgumentException("rw '" + rw + "' is neither randread nor randwrite");
    };
    dir = Files.createTempDirectory("vdpa-bench-blkfile");
    file = dir.resolve("disk.img");
    runtime = new BlkRuntime(file, CAPACITY, QUEUES);
    // the device locks the file against other devices; a second channel of this process reads and
    // writes it all the same (the lock is advisory), as the baseline must use the very same file
    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    ByteBuffer fill = ByteBuffer.allocateDirect(1 << 20);
    for (long at = 0; at < CAPACITY; at += fill.capacity()) {
      fill.clear();
      while (fill.hasRemaining()) {
        channel.write(fill, at + fill.position());
      }
    }
    channel.force(false);
    qd1 = new Slots(runtime.disk(), 1, 1, write);
    qd32 = new Slots(runtime.disk(), 32, QUEUES, write);
    chained1 = new Chained(runtime.disk(), 1, 1, write, BLOCKS);
    chained32 = new Chained(runtime.disk(), 32, QUEUES, write, BLOCKS);
  }

  /** Waits for what is in flight, then stops the runtime and removes the file. */
  @TearDown(Level.Trial)
  public void close() throws Exception {
    try {
      if (qd1 != null) {
        qd1.drain();
        qd32.drain();
        chained1.stop();
        chained32.stop();
        long chainedFailures = chained1.failures() + chained32.failures();
        if (qd1.failures.get() + qd32.failures.get() + chainedFailures > 0) {
          throw new IllegalStateException("requests failed: qd1 " + qd1.failures + ", qd32 " + qd32.failures
              + ", completion-driven " + chainedFailures);
        }
      }
    } finally {
      if (channel != null) {
        channel.close();
      }
      if (runtime != null) {
        runtime.close();
      }
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  /** One baseline thread's buffer and random offsets. */
  @State(Scope.Thread)
  public static class Baseline {
    final ByteBuffer buf = ByteBuffer.allocateDirect(BS);
    long seed = System.nanoTime() | 1;

    long nextOffset() {
      seed = xorshift(seed);
      return Long.remainderUnsigned(seed, BLOCKS) * BS;
    }
  }

  static long xorshift(long x) {
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    return x;
  }

  @Benchmark
  @Threads(1)
  public int blockDeviceQd1() {
    return qd1.next();
  }

  @Benchmark
  @Threads(1)
  public int blockDeviceQd32() {
    return qd32.next();
  }

  /**
   * What the completion-driven methods count: {@code completed} is the figure (requests completed
   * during the iteration); the benchmark thread itself only sleeps.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Completed {
    /** Requests completed OK during the iteration. */
    public long completed;
    private long base;
    private Chained chain;

    /** Notes where the count of the chain this thread measures stands. */
    void mark(Chained c) {
      chain = c;
      base = c.completed();
    }

    /** Starts this iteration's count where the chain stands (the first iteration starts it). */
    @Setup(Level.Iteration)
    public void next() {
      if (chain != null) {
        base = chain.completed();
      }
    }

    /** This iteration's completions. */
    @TearDown(Level.Iteration)
    public void count() {
      if (chain != null) {
        completed = chain.completed() - base;
      }
    }
  }

  /**
   * Queue depth 1, completion-driven: the completion submits the next request (see {@link Chained}).
   *
   * @param c the counter
   * @throws InterruptedException never in a run
   */
  @Benchmark
  @Threads(1)
  public void blockDeviceQd1Chained(Completed c) throws InterruptedException {
    watch(c, chained1);
  }

  /**
   * Queue depth 32 over every queue, completion-driven: each completion submits its slot's next
   * request on the device's thread (see {@link Chained}).
   *
   * @param c the counter
   * @throws InterruptedException never in a run
   */
  @Benchmark
  @Threads(1)
  public void blockDeviceQd32Chained(Completed c) throws InterruptedException {
    watch(c, chained32);
  }

  /** Starts the chain at the first call, then sleeps a millisecond: the device's threads do the work. */
  private static void watch(Completed c, Chained chain) throws InterruptedException {
    if (c.chain == null) {
      chain.start();
      c.mark(chain);
    }
    Thread.sleep(1);
  }

  @Benchmark
  @Threads(1)
  public int fileChannelThreads1(Baseline b) throws IOException {
    return positional(b);
  }

  @Benchmark
  @Threads(32)
  public int fileChannelThreads32(Baseline b) throws IOException {
    return positional(b);
  }

  private int positional(Baseline b) throws IOException {
    long at = b.nextOffset();
    ByteBuffer buf = b.buf.clear();
    int n = 0;
    while (buf.hasRemaining()) {
      n += write ? channel.write(buf, at + buf.position()) : channel.read(buf, at + buf.position());
    }
    return n;
  }

  /**
   * {@code depth} request slots, slot {@code i} on queue {@code i % queues}, used round robin by the
   * one benchmark thread: a slot is taken again once its request completed (the device thread frees
   * it). Allocates nothing.
   */
  static final class Slots implements BlockDevice.Completion {
    /** Busy-wait rounds before the waiting thread yields its CPU (a few microseconds). */
    static final int SPINS = 100;
    private final BlockDevice disk;
    private final ByteBuffer[] buffers;
    private final AtomicIntegerArray busy;
    private final boolean write;
    private final int queues;
    final AtomicLong failures = new AtomicLong();
    private int cursor;
    private long seed = System.nanoTime() | 1;

    Slots(BlockDevice disk, int depth, int queues, boolean write) {
      if (disk.queues() < queues) {
        throw new IllegalStateException("the device has " + disk.queues() + " request queues, not " + queues);
      }
      this.disk = disk;
      this.queues = queues;
      this.write = write;
      this.buffers = new ByteBuffer[depth];
      for (int i = 0; i < depth; i++) {
        buffers[i] = ByteBuffer.allocateDirect(BS);
      }
      this.busy = new AtomicIntegerArray(depth);
    }

    /** Waits for the next slot's previous request, then submits a new one in it. */
    int next() {
      final int s = cursor;
      for (int spins = 0; busy.get(s) != 0; spins++) {
        // the device completes within microseconds, parking would cost more; but past a few
        // microseconds the device's worker may be waiting for this CPU, so give it up
        if (spins < SPINS) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
      busy.set(s, 1);
      seed = xorshift(seed);
      long at = Long.remainderUnsigned(seed, BLOCKS) * BS;
      ByteBuffer b = buffers[s].clear();
      int q = s % queues;
      Submit r = write ? disk.write(q, at, b, s, this) : disk.read(q, at, b, s, this);
      if (r != Submit.QUEUED) {
        busy.set(s, 0);
        throw new IllegalStateException("submission " + r + " at depth " + buffers.length);
      }
      cursor = s + 1 == buffers.length ? 0 : s + 1;
      return s;
    }

    @Override
    public void done(long tag, BlockStatus status) {
      if (status != BlockStatus.OK) {
        failures.incrementAndGet();
      }
      busy.lazySet((int) tag, 0); // release: the buffer's bytes are there before the slot is seen free
    }

    /** Waits until no request is in flight. */
    void drain() {
      awaitIdle(busy);
    }
  }

  /**
   * Waits until every slot reads 0 (its request completed), at most 10 s per slot.
   *
   * @param busy 1 for a slot whose request is in flight
   * @throws IllegalStateException naming the first slot still busy after 10 s
   */
  static void awaitIdle(AtomicIntegerArray busy) {
    for (int i = 0; i < busy.length(); i++) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (busy.get(i) != 0) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("request in slot " + i + " did not complete within 10 s");
        }
        Thread.onSpinWait();
      }
    }
  }
}
