package net.vdpa.benchmarks.ring;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import net.vdpa.ring.ChainBatch;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingError;
import net.vdpa.ring.VirtioRingFeatures;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.mem.Translation;
import net.vdpa.ring.testing.MockDriver;
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
 * A driver thread and a device thread moving payloads through one virtqueue of 256 descriptors, as
 * a poll-mode driver and a device facing an untrusted driver do.
 *
 * <p>Driver: payload slots live in one page-aligned area of the driver's DMA memory (a slot per
 * cache line or more, {@link Slab}). It reaps used buffers only when fewer than 32 slots are free (a
 * poll-mode driver's reclaim threshold, DPDK's {@code tx_free_thresh}), in bursts ({@link
 * DriverQueue#pollUsed(int[], int[], int)}, until none are left). Per call it takes up to {@code
 * batch} free slots from a private list ({@code slots=fifo}, the default: first in, first out, so
 * that slots are filled and read in the same order every lap and each descriptor keeps its bytes;
 * {@code stack}: last in, first out), copies the template into each and stamps it with a
 * sequence number ({@code touch=true} first touches every line of them with its stamp, a few slots
 * at a time: a store as a prefetch for writing, {@link #fill}), and only then adds each as a
 * device-readable descriptor, remembering which slot its id carries, as a DPDK application fills its
 * mbufs before {@code rte_eth_tx_burst} hands them to the PMD. {@code slots=byId} (the default
 * before session s46) fills the slot of the id the next add takes, one at a time as it adds. The
 * driver publishes the lot with one release store. Device: takes up to {@code batch} chains in one
 * {@link net.vdpa.ring.DeviceQueue#popBatch} (each descriptor's id, address, length and flags
 * validated and its address translated through the device's IOTLB with its permission, as a single
 * pop does), copies each payload into its own buffer, pushes them used and publishes once. {@code
 * batch} 1 means every descriptor is published on its own. Counted: payloads the device copied
 * ({@link Transfers}). The baselines ({@link JctoolsPairBenchmark}, {@link AgronaRingBenchmark}) do
 * the same work with the same slab, template, stamp and copy; {@code touch=true} adds one 8-byte
 * store per payload line that they do not make.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class RingBenchmark {
  static final int SIZE = Slab.SLOTS;
  /** Below this many free slots the driver reaps used buffers. */
  static final int RECLAIM_BELOW = 32;
  /** At most this many cache lines (4 KiB), or one slot, are touched before being filled ({@link #fill}). */
  static final int TOUCH_LINES = 64;
  private static final int STACK = 0;
  private static final int FIFO = 1;
  private static final int BY_ID = 2;

  @Param({"split", "packed"})
  public String ring;

  @Param({"64", "1500"})
  public int payload;

  @Param({"1", "32"})
  public int batch;

  /**
   * Which free slots the driver fills next: {@code fifo} the ones freed first (slots are then
   * filled, and read, in the same order every lap); {@code stack} the ones freed last; {@code byId}
   * the slot of the chain id the queue hands out next ({@link DriverQueue#nextId()}), so each id
   * always carries the same slot and its descriptor keeps the same bytes. {@code fifo} and {@code
   * stack} fill a call's slots first and add them after; {@code byId} learns each slot only from the
   * id the next add takes, so it fills and adds one slot at a time (the order of sessions before
   * s46).
   */
  @Param({"fifo"})
  public String slots = "fifo";

  /**
   * Whether {@code fifo} and {@code stack} touch every line of a call's slots with their stamps
   * before filling them, a few slots at a time ({@link #fill}). Off by default since session s52:
   * the baselines make no such store, and on that session's host (AMD EPYC family 26) it slowed
   * every near configuration (1.04-1.45x without it, benchmarks/README.md "Session s52"), where on
   * s46's host it had gained 1.46x. On CPU family 25 it gained 1.2-1.5x in s59 and nothing on split
   * 64 B (0.99x) on the same VM in s60: whether it pays is not settled by the CPU kind alone, so the
   * default stays off and the musts are reported both ways.
   */
  @Param({"false"})
  public boolean touch;

  /**
   * Chains the device reads ahead ({@link DeviceQueue#readAhead}): 0, the default, none, as every
   * in-process path runs; vhost_vdpa sets 8 on a network device's transmit rings.
   */
  @Param({"0"})
  public int readAhead;

  /**
   * Whether the queue negotiates VIRTIO_F_IN_ORDER (DPDK's virtio-user asks for it by default): the
   * packed device then writes one used descriptor per published batch (its chains are all read-only,
   * used with length 0), the split device still one used element per transfer (DPDK's split
   * in-order path counts buffers by the used index, so one element per batch would lose buffers).
   */
  @Param({"false"})
  public boolean inOrder;

  Driver driver;
  Device device;
  /** The driver's side of the memory, for {@link #floorMemory}. */
  private MockDriver mock;

  /** Keeps the fields of the subclasses off the cache lines of whatever the JVM places before. */
  abstract static class PadBefore {
    long b0;
    long b1;
    long b2;
    long b3;
    long b4;
    long b5;
    long b6;
    long b7;
  }

  /** Driver thread only. */
  static final class Driver extends PadBefore {
    DriverQueue queue;
    /** The driver's view of its DMA memory holding the slots. */
    ByteBuffer memory;
    ByteBuffer template;
    /** Per slot: its IOVA and where it starts in {@link #memory}. */
    long[] slotIova;
    int[] slotOffset;
    /** Free slots (a stack, or a ring from {@link #freeHead} for {@code fifo}), and the slot each chain id in flight carries. */
    int[] free;
    int freeCount;
    int freeHead;
    int mode;
    /** Slots touched, then filled, together: as many as {@link #TOUCH_LINES} lines hold, at least one. */
    int touchGroup;
    int[] slotOfId;
    /** Ids the last {@link DriverQueue#pollUsed(int[], int[], int)} took back. */
    int[] reaped;
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
  static final class Device extends PadBefore {
    DeviceQueue queue;
    ChainBatch batch;
    ByteBuffer own;
    long a0;
    long a1;
    long a2;
    long a3;
    long a4;
    long a5;
    long a6;
    long a7;
  }

  /** Builds the queue, its memory and the slots. */
  @Setup(Level.Trial)
  public void setUp() {
    final long features = inOrder ? VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER) : 0;
    MockDriver m = "packed".equals(ring)
        ? MockDriver.packed(SIZE, features, 8L << 20)
        : MockDriver.split(SIZE, features, 8L << 20);
    mock = m;
    final int stride = Slab.stride(payload);
    final long base = m.dma().allocate((long) SIZE * stride, 4096);
    Translation t = new Translation();
    if (m.driverIotlb().translate(base, (long) SIZE * stride, true, t) != RingError.NONE
        || t.length() != SIZE * stride) {
      throw new IllegalStateException("slab at " + base + " is not one piece of driver memory");
    }
    Driver d = new Driver();
    d.queue = m.queue();
    d.memory = t.buffer();
    d.template = Slab.template(payload);
    d.slotIova = new long[SIZE];
    d.slotOffset = new int[SIZE];
    d.free = new int[SIZE];
    d.slotOfId = new int[SIZE];
    d.reaped = new int[SIZE];
    for (int i = 0; i < SIZE; i++) {
      d.slotIova[i] = base + (long) i * stride;
      d.slotOffset[i] = t.offset() + i * stride;
      d.free[i] = i;
    }
    d.freeCount = SIZE;
    d.touchGroup = Math.max(1, TOUCH_LINES / (stride / Slab.LINE));
    d.mode = switch (slots) {
      case "stack" -> STACK;
      case "fifo" -> FIFO;
      case "byId" -> BY_ID;
      default -> throw new IllegalArgumentException("slots " + slots + " is not stack, fifo or byId");
    };
    driver = d;
    Device v = new Device();
    v.queue = m.newDevice();
    v.queue.readAhead(readAhead);
    v.batch = new ChainBatch(batch);
    v.own = Slab.own(payload);
    device = v;
  }

  /**
   * Puts the floor ({@link PlainSplitBenchmark}) over this benchmark's split ring areas and slab,
   * so that the floor's driver or device can run against this benchmark's device or driver: the
   * slab is mapped a second time, in the driver's and the device's IOTLB, at the floor's {@link
   * PlainSplitBenchmark#SLAB_IOVA}, and this driver's slots take their IOVAs from there, so that
   * neither the floor's loops nor this benchmark's change. Call after both {@code setUp}s' fields
   * are set and before either side runs.
   *
   * @param floor the floor, with the same payload and a batch set
   * @throws IllegalArgumentException if the floor's payload differs or its batch is not set
   * @throws IllegalStateException if this ring is not split with its areas on three pages in a row
   *     (as the mock lays them out), or the areas are not one piece of driver memory
   */
  void floorMemory(PlainSplitBenchmark floor) {
    checkFloor(floor.payload, floor.batch, "split");
    if (!threePagesInARow(mock.config())) {
      throw new IllegalStateException("the floor needs a split ring with its areas on three pages in a row");
    }
    floor.over(ringAreas(3 * 4096), floorSlab());
  }

  /**
   * Puts the packed floor ({@link PlainPackedBenchmark}) over this benchmark's packed descriptor
   * ring and slab, as {@link #floorMemory(PlainSplitBenchmark)} does for the split floor (the floor
   * does not read the event suppression areas).
   *
   * @param floor the packed floor, with the same payload and IN_ORDER and a batch set
   * @throws IllegalArgumentException if the floor's payload or IN_ORDER differs or its batch is not set
   * @throws IllegalStateException if this ring is not packed, or its descriptors are not one piece
   *     of driver memory
   */
  void floorMemory(PlainPackedBenchmark floor) {
    checkFloor(floor.payload, floor.batch, "packed");
    if (floor.inOrder != inOrder) {
      throw new IllegalArgumentException("the floor's IN_ORDER " + floor.inOrder + " is not this ring's " + inOrder);
    }
    floor.over(ringAreas(16 * SIZE), floorSlab());
  }

  private void checkFloor(int floorPayload, int floorBatch, String layout) {
    if (floorPayload != payload || floorBatch < 1) {
      throw new IllegalArgumentException("the floor's payload " + floorPayload + " and batch " + floorBatch
          + " do not match this payload " + payload);
    }
    if (!layout.equals(ring)) {
      throw new IllegalStateException("the " + layout + " floor needs a " + layout + " ring, not " + ring);
    }
  }

  /** The ring's areas from its descriptors on, {@code bytes} long, as the driver sees them. */
  private ByteBuffer ringAreas(int bytes) {
    final Translation t = new Translation();
    final RingError e = mock.driverIotlb().translate(mock.config().descAddr(), bytes, true, t);
    if (e != RingError.NONE || t.length() != bytes) {
      throw new IllegalStateException("the ring areas are not one piece of driver memory");
    }
    return t.buffer().slice(t.offset(), bytes);
  }

  /**
   * Maps the slab a second time at the floors' {@link PlainSplitBenchmark#SLAB_IOVA}, in the
   * driver's and the device's IOTLB, moves this driver's slots there, and returns the slab.
   */
  private ByteBuffer floorSlab() {
    final int stride = Slab.stride(payload);
    final long regionOffset = driver.slotIova[0] - MockDriver.BASE_IOVA;
    for (Iotlb iotlb : new Iotlb[] {mock.driverIotlb(), mock.deviceIotlb()}) {
      iotlb.map(PlainSplitBenchmark.SLAB_IOVA, (long) SIZE * stride, mock.memory(), regionOffset,
          Permission.READ_WRITE);
    }
    for (int i = 0; i < SIZE; i++) {
      driver.slotIova[i] = PlainSplitBenchmark.SLAB_IOVA + (long) i * stride;
    }
    return driver.memory.slice(driver.slotOffset[0], SIZE * stride);
  }

  private static boolean threePagesInARow(QueueConfig c) {
    return c.driverAddr() == c.descAddr() + 4096 && c.deviceAddr() == c.descAddr() + 8192;
  }

  /**
   * Driver: reap if few slots are free, then fill and stamp up to {@code batch} slots, add them and
   * publish once.
   */
  @Benchmark
  @Group("ring")
  @GroupThreads(1)
  public void driver(Posts c) {
    final Driver d = driver;
    final DriverQueue q = d.queue;
    int n = d.freeCount;
    if (n < RECLAIM_BELOW) {
      n = reap(d, q, n);
      if (n == 0) {
        c.full++;
        return;
      }
    }
    final int k = Math.min(batch, n);
    if (d.mode == BY_ID) {
      fillAndAddById(d, q, k, payload);
    } else {
      // the call's slots in the private list: from its head onwards (fifo), or from its top down (stack)
      final int first = d.mode == FIFO ? d.freeHead : n - 1;
      final int step = d.mode == FIFO ? 1 : -1;
      fill(d, first, step, k, payload, touch);
      addFilled(d, q, first, step, k, payload);
      if (d.mode == FIFO) {
        d.freeHead = (first + k) & (SIZE - 1);
      }
    }
    d.freeCount = n - k;
    q.publish();
    c.posted += k;
  }

  /**
   * Copies the template into the call's {@code k} slots and stamps each; nothing is added yet. The
   * {@code i}th slot is the private list's entry at {@code first + step * i}.
   *
   * <p>With {@code touch}, the slots are taken in groups of {@link Driver#touchGroup}: every line of
   * a group's slots is first touched with the slot's stamp, in one short loop, and then the group's
   * slots are filled. A slot's lines were last read by the device, so the driver's first store to
   * each waits for the device's copy to be invalidated; Java has no prefetch-for-write, and a store
   * is one. The copy queues two wide stores per line, and its call and checks sit between two slots'
   * first stores, so few of those waits overlap; from a loop of one store per line many do, and the
   * copies then write lines the driver already holds (a reading of the figures in
   * benchmarks/README.md, sessions s46 and s48, not a measurement). A group spans at most {@link
   * #TOUCH_LINES} lines, or one slot where a slot is longer, so at 64 B a call of up to 64 slots is
   * one group (s46's touch) and at 1,500 B two slots are; touching a whole call of 1,500 B slots
   * first ran slower. Each touch lies inside the payload, so the template's copy and the stamp,
   * written again after it, cover every touched byte.
   */
  private static void fill(
      final Driver d, final int first, final int step, final int k, final int len, final boolean touch) {
    final ByteBuffer mem = d.memory;
    final ByteBuffer template = d.template;
    final int[] free = d.free;
    final int[] offsets = d.slotOffset;
    final long s = d.seq;
    final int group = touch ? d.touchGroup : k;
    for (int g = 0; g < k; g += group) {
      final int end = Math.min(g + group, k);
      if (touch) {
        for (int i = g; i < end; i++) {
          final int o = offsets[free[(first + step * i) & (SIZE - 1)]];
          for (int line = 0; line <= len - 8; line += Slab.LINE) { // 8 bytes of the payload per line
            mem.putLong(o + line, s + i);
          }
        }
      }
      for (int i = g; i < end; i++) {
        final int o = offsets[free[(first + step * i) & (SIZE - 1)]];
        mem.put(o, template, 0, len);
        mem.putLong(o, s + i);
      }
    }
    d.seq = s + k;
  }

  /** Adds the {@code k} slots {@link #fill} filled, remembering each id's slot; the caller takes them off the list. */
  private static void addFilled(
      final Driver d, final DriverQueue q, final int first, final int step, final int k, final int len) {
    final int[] free = d.free;
    for (int i = 0; i < k; i++) {
      final int slot = free[(first + step * i) & (SIZE - 1)];
      d.slotOfId[q.add(d.slotIova[slot], len, false)] = slot; // cannot be FULL: a slot per descriptor
    }
  }

  /** {@code byId}: the slot is the id the next add takes, so each is filled just before it is added. */
  private static void fillAndAddById(final Driver d, final DriverQueue q, final int k, final int len) {
    final ByteBuffer mem = d.memory;
    long s = d.seq;
    for (int i = 0; i < k; i++) {
      final int slot = q.nextId(); // a slot per id: the slot is free when its id is
      final int o = d.slotOffset[slot];
      mem.put(o, d.template, 0, len);
      mem.putLong(o, s++);
      q.add(d.slotIova[slot], len, false); // cannot be FULL: a slot per descriptor
    }
    d.seq = s;
  }

  private static int reap(final Driver d, final DriverQueue q, int n) {
    final int tail = d.freeHead;
    final int[] ids = d.reaped;
    final boolean byId = d.mode == BY_ID;
    int k;
    // byId keeps nothing per id beside the queue's own list: the count is all it needs
    while ((k = q.pollUsed(byId ? null : ids, null, SIZE)) > 0) {
      if (byId) { // the slot is the id's: the queue's own free list is all the bookkeeping
        n += k;
        continue;
      }
      for (int i = 0; i < k; i++) {
        d.free[(tail + n) & (SIZE - 1)] = d.slotOfId[ids[i]];
        n++;
      }
    }
    d.freeCount = n;
    return n;
  }

  /**
   * Device: take up to {@code batch} chains in one {@link DeviceQueue#popBatch}, copy each payload
   * out, push them used ({@link DeviceQueue#pushBatch}; a chain that is not a single descriptor
   * comes as the batch's rest chain and is pushed after them), publish once.
   */
  @Benchmark
  @Group("ring")
  @GroupThreads(1)
  public void device(Transfers t) {
    final Device v = device;
    final DeviceQueue q = v.queue;
    final ChainBatch b = v.batch;
    final int n = q.popBatch(b);
    if (n == 0) {
      return;
    }
    final int len = payload;
    final ByteBuffer own = v.own;
    final int singles = b.count();
    for (int i = 0; i < singles; i++) {
      b.readTo(i, own, 0, len);
    }
    q.pushBatch(b, 0);
    if (b.hasRest()) {
      final DescriptorChain c = b.rest();
      c.readTo(own, 0, len);
      q.push(c.id(), 0);
    }
    q.publish();
    t.transfers += n;
  }
}
