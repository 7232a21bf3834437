package net.vdpa.benchmarks.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The split virtqueue layout with nothing around it: what {@link RingBenchmark} measures, written
 * as one hand-made loop per side over one direct buffer, the floor the ring bundle is held to.
 *
 * <p>Same work as {@link RingBenchmark} with {@code slots=byId}: 256 descriptors, the same slab,
 * template and stamp, the driver reaping only below 32 free slots and publishing up to {@code
 * batch} descriptors with one release store of {@code avail.idx}, descriptor and available-entry
 * stores skipped when the bytes are already there; the device reading the available index with
 * acquire only when its cached copy is used up, checking each head (in range, not in flight) and
 * descriptor (flags, length, address inside the slab), copying the payload out and publishing the
 * used index once. What it leaves out is what the ring bundle adds: the IOTLB (here one range
 * check), the driver's free list and chain bookkeeping (here ids go round in order), the device's
 * queue states and the batch object.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class PlainSplitBenchmark {
  private static final VarHandle U16 =
      MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle U32 =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle U64 =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SIZE = Slab.SLOTS;
  private static final int MASK = SIZE - 1;
  private static final int RECLAIM_BELOW = 32;
  /** Ring areas in one 12 KiB buffer, each on its own page as a driver would lay them out. */
  private static final int DESC = 0;
  private static final int AVAIL = 4096;
  private static final int USED = 8192;
  /** The slab's IOVA: the device checks every address against it. */
  static final long SLAB_IOVA = 1L << 20;

  @Param({"64", "1500"})
  public int payload;

  @Param({"32"})
  public int batch;

  Driver driver;
  Device device;

  /** Driver thread only. */
  static final class Driver extends RingBenchmark.PadBefore {
    ByteBuffer ring;
    ByteBuffer slab;
    ByteBuffer template;
    int stride;
    int availIdx;
    int lastUsed;
    int free;
    int nextId;
    long seq;
    long a0;
    long a1;
    long a2;
    long a3;
    long a4;
    long a5;
    long a6;
    long a7;
  }

  /** Device thread only. */
  static final class Device extends RingBenchmark.PadBefore {
    ByteBuffer ring;
    ByteBuffer slab;
    ByteBuffer own;
    int lastAvail;
    int cachedAvail;
    int usedIdx;
    boolean[] busy;
    int[] ids;
    int[] offsets;
    int[] lengths;
    long a0;
    long a1;
    long a2;
    long a3;
    long a4;
    long a5;
    long a6;
    long a7;
  }

  /** Builds the ring areas, the slab and both sides' state. */
  @Setup(Level.Trial)
  public void setUp() {
    over(ByteBuffer.allocateDirect(3 * 4096 + 4096).alignedSlice(4096), Slab.allocate(payload));
  }

  /**
   * Sets both sides up over given memory instead of the benchmark's own, so that one side can run
   * against the ring bundle's other side ({@link RingBenchmark#floorMemory}); nothing in either
   * side's loop changes.
   *
   * @param ring the descriptor table at 0, the available ring at 4096 and the used ring at 8192
   * @param slab the payload slots from index 0, {@link Slab#stride} apart, at IOVA {@link #SLAB_IOVA}
   */
  void over(ByteBuffer ring, ByteBuffer slab) {
    Driver d = new Driver();
    d.ring = ring.duplicate();
    d.slab = slab.duplicate();
    d.template = Slab.template(payload);
    d.stride = Slab.stride(payload);
    d.free = SIZE;
    driver = d;
    Device v = new Device();
    v.ring = ring.duplicate();
    v.slab = slab.duplicate();
    v.own = Slab.own(payload);
    v.busy = new boolean[SIZE];
    v.ids = new int[batch];
    v.offsets = new int[batch];
    v.lengths = new int[batch];
    device = v;
  }

  /** Driver: reap if few slots are free, then fill, stamp and add up to {@code batch} and publish once. */
  @Benchmark
  @Group("plain")
  @GroupThreads(1)
  public void driver(Posts c) {
    final Driver d = driver;
    final ByteBuffer r = d.ring;
    int n = d.free;
    if (n < RECLAIM_BELOW) {
      // acquire: pairs with the device's release store of used.idx
      final int u = (short) U16.getAcquire(r, USED + 2) & 0xFFFF;
      int last = d.lastUsed;
      while (last != u) {
        final int id = (int) U32.get(r, USED + 4 + 8 * (last & MASK));
        if (id < 0 || id >= SIZE) {
          throw new IllegalStateException("used id " + id);
        }
        last = (last + 1) & 0xFFFF;
        n++;
      }
      d.lastUsed = last;
      if (n == 0) {
        c.full++;
        return;
      }
    }
    final int len = payload;
    final ByteBuffer slab = d.slab;
    final int k = Math.min(batch, n);
    long s = d.seq;
    int a = d.availIdx;
    int id = d.nextId;
    for (int i = 0; i < k; i++) {
      final int o = id * d.stride;
      slab.put(o, d.template, 0, len);
      slab.putLong(o, s++);
      final int desc = DESC + 16 * id;
      final long addr = SLAB_IOVA + o;
      if ((long) U64.get(r, desc) != addr) {
        U64.set(r, desc, addr);
      }
      final long lenFlagsNext = len & 0xFFFF_FFFFL;
      if ((long) U64.get(r, desc + 8) != lenFlagsNext) {
        U64.set(r, desc + 8, lenFlagsNext);
      }
      final int slot = AVAIL + 4 + 2 * (a & MASK);
      if (((short) U16.get(r, slot) & 0xFFFF) != id) {
        U16.set(r, slot, (short) id);
      }
      a = (a + 1) & 0xFFFF;
      id = (id + 1) & MASK;
    }
    // release: publishes the descriptors and entries above; pairs with the device's acquire
    U16.setRelease(r, AVAIL + 2, (short) a);
    d.availIdx = a;
    d.nextId = id;
    d.seq = s;
    d.free = n - k;
    c.posted += k;
  }

  /** Device: take up to {@code batch} chains, check each, copy each payload out, publish once. */
  @Benchmark
  @Group("plain")
  @GroupThreads(1)
  public void device(Transfers t) {
    final Device v = device;
    final ByteBuffer r = v.ring;
    final boolean[] busy = v.busy;
    final long slabLen = v.slab.capacity();
    int last = v.lastAvail;
    int cached = v.cachedAvail;
    int n = 0;
    final int max = batch;
    while (n < max) {
      if (last == cached) {
        // acquire: pairs with the driver's release store of avail.idx
        final int idx = (short) U16.getAcquire(r, AVAIL + 2) & 0xFFFF;
        if (idx == last) {
          break;
        }
        cached = idx;
      }
      final int head = (short) U16.get(r, AVAIL + 4 + 2 * (last & MASK)) & 0xFFFF;
      if (head >= SIZE || busy[head]) {
        throw new IllegalStateException("head " + head);
      }
      final int desc = DESC + 16 * head;
      final long lenFlagsNext = (long) U64.get(r, desc + 8);
      final int flags = (int) (lenFlagsNext >>> 32) & 0xFFFF;
      final long len = lenFlagsNext & 0xFFFF_FFFFL;
      final long off = (long) U64.get(r, desc) - SLAB_IOVA;
      if (flags != 0 || len == 0 || off < 0 || off > slabLen - len) {
        throw new IllegalStateException("descriptor " + head);
      }
      busy[head] = true;
      v.ids[n] = head;
      v.offsets[n] = (int) off;
      v.lengths[n] = (int) len;
      last = (last + 1) & 0xFFFF;
      n++;
    }
    v.lastAvail = last;
    v.cachedAvail = cached;
    if (n == 0) {
      return;
    }
    final ByteBuffer slab = v.slab;
    final ByteBuffer own = v.own;
    int u = v.usedIdx;
    for (int i = 0; i < n; i++) {
      own.put(0, slab, v.offsets[i], Math.min(v.lengths[i], payload));
      final int id = v.ids[i];
      busy[id] = false;
      final int o = USED + 4 + 8 * (u & MASK);
      if ((int) U32.get(r, o) != id) {
        U32.set(r, o, id);
      }
      if ((int) U32.get(r, o + 4) != 0) {
        U32.set(r, o + 4, 0);
      }
      u = (u + 1) & 0xFFFF;
    }
    v.usedIdx = u;
    // release: publishes the used elements above; pairs with the driver's acquire
    U16.setRelease(r, USED + 2, (short) u);
    t.transfers += n;
  }
}
