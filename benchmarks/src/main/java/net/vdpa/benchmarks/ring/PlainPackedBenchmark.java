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
 * The packed virtqueue layout with nothing around it: {@link PlainSplitBenchmark}'s work through a
 * packed ring, so that the two floors side by side say what the layout alone costs, apart from
 * anything the ring bundle does.
 *
 * <p>Same work as {@link PlainSplitBenchmark}: 256 descriptors, the same slab, template and stamp,
 * ids going round in order, the driver reaping only below 32 free slots and adding up to {@code
 * batch} descriptors, the device taking up to {@code batch}, checking each (flags, length, address
 * inside the slab, id in range and not in flight), copying the payload out and marking them used.
 * What the packed layout changes: a descriptor's flags carry the lap (the wrap counters), so the
 * driver writes every descriptor and the device every used one, lap after lap, where the split
 * floor skips stores of bytes already there. Publication is the packed ring's: each side writes a
 * batch's first flags last, with one release store, and the other side reads each head's flags
 * with acquire (it cannot tell where a batch ends). Both sides write a batch's descriptors last to
 * first, after the driver has filled every payload of the call, so that the line holding the
 * head, which the other side is polling, is the last one written; where flags need not come last,
 * the 8 bytes after the address are one 64-bit store. With {@code inOrder} (VIRTIO_F_IN_ORDER,
 * virtio 1.2 §2.8.8) the device marks a batch used with one descriptor, at the batch's first place,
 * naming the batch's last id, and the driver takes back every chain up to it.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class PlainPackedBenchmark {
  private static final VarHandle U16 =
      MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle U32 =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle U64 =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SIZE = Slab.SLOTS;
  private static final int RECLAIM_BELOW = 32;
  private static final int DESC_SIZE = 16;
  private static final int LEN = 8;
  private static final int ID = 12;
  private static final int FLAGS = 14;
  /** Virtio 1.2 §2.8.1: the driver's and the device's wrap bits in a descriptor's flags. */
  static final int F_AVAIL = 1 << 7;
  static final int F_USED = 1 << 15;
  /** The slab's IOVA: the device checks every address against it. */
  static final long SLAB_IOVA = PlainSplitBenchmark.SLAB_IOVA;

  @Param({"64", "1500"})
  public int payload;

  @Param({"32"})
  public int batch;

  /** VIRTIO_F_IN_ORDER: one used descriptor per device batch. */
  @Param({"false"})
  public boolean inOrder;

  Driver driver;
  Device device;

  /** Driver thread only. */
  static final class Driver extends RingBenchmark.PadBefore {
    ByteBuffer ring;
    ByteBuffer slab;
    ByteBuffer template;
    int stride;
    /** Where the next descriptor goes, and the lap's wrap counter (virtio 1.2 §2.8.1: starts at 1). */
    int availPos;
    boolean availWrap = true;
    /** Where the next used descriptor is looked for, and its lap. */
    int usedPos;
    boolean usedWrap = true;
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
    int availPos;
    boolean availWrap = true;
    int usedPos;
    boolean usedWrap = true;
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

  /** Builds the descriptor ring (one page), the slab and both sides' state. */
  @Setup(Level.Trial)
  public void setUp() {
    over(ByteBuffer.allocateDirect(2 * 4096).alignedSlice(4096), Slab.allocate(payload));
  }

  /**
   * Sets both sides up over given memory instead of the benchmark's own, so that one side can run
   * against the ring bundle's other side ({@link RingBenchmark#floorMemory(PlainPackedBenchmark)});
   * nothing in either side's loop changes.
   *
   * @param ring the descriptor ring, 16 bytes per descriptor from index 0
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

  /** Driver: reap if few slots are free, then fill, stamp and add up to {@code batch}, publishing once. */
  @Benchmark
  @Group("plainPacked")
  @GroupThreads(1)
  public void driver(Posts c) {
    final Driver d = driver;
    final ByteBuffer r = d.ring;
    int n = d.free;
    if (n < RECLAIM_BELOW) {
      int pos = d.usedPos;
      boolean w = d.usedWrap;
      for (;;) {
        // acquire: pairs with the device's release store of its batch's first flags
        final int f = (short) U16.getAcquire(r, DESC_SIZE * pos + FLAGS) & 0xFFFF;
        final boolean a = (f & F_AVAIL) != 0;
        if (a != ((f & F_USED) != 0) || a != w) {
          break;
        }
        final int id = (short) U16.get(r, DESC_SIZE * pos + ID) & 0xFFFF;
        if (id >= SIZE) {
          throw new IllegalStateException("used id " + id);
        }
        // one chain, or under IN_ORDER every chain from the oldest in flight up to this id
        final int chains = inOrder ? ((id - (d.nextId - (SIZE - n))) & (SIZE - 1)) + 1 : 1;
        if (chains > SIZE - n) {
          throw new IllegalStateException("used id " + id + " names a chain not in flight");
        }
        n += chains;
        pos += chains;
        if (pos >= SIZE) {
          pos -= SIZE;
          w = !w;
        }
      }
      d.usedPos = pos;
      d.usedWrap = w;
      if (n == 0) {
        c.full++;
        return;
      }
    }
    final int len = payload;
    final ByteBuffer slab = d.slab;
    final int k = Math.min(batch, n);
    long s = d.seq;
    int pos = d.availPos;
    boolean w = d.availWrap;
    int id = d.nextId;
    final int head = pos;
    final boolean headWrap = w;
    for (int i = 0; i < k; i++) {
      final int o = ((id + i) & (SIZE - 1)) * d.stride;
      slab.put(o, d.template, 0, len);
      slab.putLong(o, s++);
    }
    // descriptors last to first, so the head's line, which the device polls, is written last
    for (int i = k - 1; i > 0; i--) {
      final int p = head + i;
      final boolean lap = p >= SIZE ? !headWrap : headWrap;
      final int at = DESC_SIZE * (p >= SIZE ? p - SIZE : p);
      final int slot = (id + i) & (SIZE - 1);
      U64.set(r, at, SLAB_IOVA + (long) slot * d.stride);
      // plain: published by the release store of the head's flags, which the device reads first
      final int flags = lap ? F_AVAIL : F_USED;
      U64.set(r, at + LEN, (len & 0xFFFF_FFFFL) | (long) slot << 32 | (long) flags << 48);
    }
    final int at = DESC_SIZE * head;
    U64.set(r, at, SLAB_IOVA + (long) id * d.stride);
    U32.set(r, at + LEN, len);
    U16.set(r, at + ID, (short) id);
    // release: publishes the batch; pairs with the device's acquire load of this head's flags
    U16.setRelease(r, at + FLAGS, (short) (headWrap ? F_AVAIL : F_USED));
    pos += k;
    if (pos >= SIZE) {
      pos -= SIZE;
      w = !w;
    }
    id = (id + k) & (SIZE - 1);
    d.availPos = pos;
    d.availWrap = w;
    d.nextId = id;
    d.seq = s;
    d.free = n - k;
    c.posted += k;
  }

  /** Device: take up to {@code batch} descriptors, check each, copy each payload out, mark them used. */
  @Benchmark
  @Group("plainPacked")
  @GroupThreads(1)
  public void device(Transfers t) {
    final Device v = device;
    final ByteBuffer r = v.ring;
    final boolean[] busy = v.busy;
    final long slabLen = v.slab.capacity();
    int pos = v.availPos;
    boolean w = v.availWrap;
    int n = 0;
    final int max = batch;
    while (n < max) {
      final int desc = DESC_SIZE * pos;
      // acquire: pairs with the driver's release store of a batch's first flags
      final int flags = (short) U16.getAcquire(r, desc + FLAGS) & 0xFFFF;
      final boolean a = (flags & F_AVAIL) != 0;
      if (a == ((flags & F_USED) != 0) || a != w) {
        break;
      }
      final long word = (long) U64.get(r, desc + LEN);
      final long len = word & 0xFFFF_FFFFL;
      final int id = (int) (word >>> 32) & 0xFFFF;
      final long off = (long) U64.get(r, desc) - SLAB_IOVA;
      if ((flags & ~(F_AVAIL | F_USED)) != 0 || len == 0 || off < 0 || off > slabLen - len) {
        throw new IllegalStateException("descriptor " + pos);
      }
      if (id >= SIZE || busy[id]) {
        throw new IllegalStateException("id " + id);
      }
      busy[id] = true;
      v.ids[n] = id;
      v.offsets[n] = (int) off;
      v.lengths[n] = (int) len;
      if (++pos == SIZE) {
        pos = 0;
        w = !w;
      }
      n++;
    }
    v.availPos = pos;
    v.availWrap = w;
    if (n == 0) {
      return;
    }
    final ByteBuffer slab = v.slab;
    final ByteBuffer own = v.own;
    int u = v.usedPos;
    boolean uw = v.usedWrap;
    final int head = u;
    for (int i = 0; i < n; i++) {
      own.put(0, slab, v.offsets[i], Math.min(v.lengths[i], payload));
      busy[v.ids[i]] = false;
    }
    if (!inOrder) {
      // used descriptors last to first, so the head's line, which the driver polls, is written last
      for (int i = n - 1; i > 0; i--) {
        final int p = head + i;
        final boolean lap = p >= SIZE ? !uw : uw;
        final int flags = lap ? F_AVAIL | F_USED : 0;
        U64.set(r, DESC_SIZE * (p >= SIZE ? p - SIZE : p) + LEN, (long) v.ids[i] << 32 | (long) flags << 48);
      }
    }
    // used length 0 (the device wrote nothing) and the id: the batch's first, or under IN_ORDER its
    // last, for the whole batch; the head's flags come last
    U32.set(r, DESC_SIZE * head + LEN, 0);
    U16.set(r, DESC_SIZE * head + ID, (short) v.ids[inOrder ? n - 1 : 0]);
    final boolean headWrap = uw;
    u += n;
    if (u >= SIZE) {
      u -= SIZE;
      uw = !uw;
    }
    v.usedPos = u;
    v.usedWrap = uw;
    // release: marks the batch used; pairs with the driver's acquire load of this head's flags
    U16.setRelease(r, DESC_SIZE * head + FLAGS, (short) (headWrap ? F_AVAIL | F_USED : 0));
    t.transfers += n;
  }
}
