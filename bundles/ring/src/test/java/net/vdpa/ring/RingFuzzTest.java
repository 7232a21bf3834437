package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.split.SplitDevice;
import net.vdpa.ring.split.SplitLayout;

/**
 * Random ring contents against the device side: each try fills the rings and an indirect area with
 * {@value #RINGS_PER_TRY} random but mostly plausible rings (addresses near and inside every
 * permission zone, in holes, past the map, near 2^64; random flags, next, ids, indices) and lets the
 * device pop and push until it stops. 1,000 tries per ring type: 2,000,000 rings per run.
 *
 * <p>Checked: nothing throws; every segment handed out lies inside a mapped zone that permits the
 * access; bytes outside the map, in the hole and in the read-only zone never change (canaries); the
 * device pops at most the queue size per ring and every chain has at most the queue size of
 * descriptors; a stopped queue reports its error. Each try reads ahead a random number of chains
 * ({@link DeviceQueue#readAhead}, 0 to 64, past the queue size too); and a random ring popped with
 * and without a read-ahead gives the same chains, the same error and the same faults, in the same
 * order (a read-ahead never faults and never changes what is popped).
 */
class RingFuzzTest {
  static final int RINGS_PER_TRY = 1000;
  static final long BASE = 0x7fff_0000_0000L;
  static final int CANARY = 4096;
  static final int SIZE = 64 * 1024;
  // zones (offsets in the region): ring + indirect area RW, read-only, hole, write-only, RW
  static final int[] ZONE_START = {0, 16384, 32768, 40960};
  static final int[] ZONE_END = {16384, 24576, 40960, SIZE};
  static final boolean[] ZONE_READ = {true, true, false, true};
  static final boolean[] ZONE_WRITE = {true, false, true, true};
  static final int HOLE_START = 24576;
  static final int HOLE_END = 32768;
  static final long DESC = BASE;
  static final long DRIVER = BASE + 2048;
  static final long DEVICE = BASE + 3072;
  static final long INDIRECT_AREA = BASE + 4096;
  static final byte CANARY_BYTE = (byte) 0xA5;

  final ByteBuffer arena = ByteBuffer.allocateDirect(CANARY + SIZE + CANARY).order(ByteOrder.LITTLE_ENDIAN);
  final ByteBuffer region = arena.slice(CANARY, SIZE).order(ByteOrder.LITTLE_ENDIAN);
  final MemoryRegion memory = MemoryRegion.wrap(region);
  final Iotlb iotlb = new Iotlb();
  final DescriptorChain chain = new DescriptorChain(4);
  final byte[] scratch = new byte[256];
  /** Chains popped and rings refused in the current try: both must happen, or the rings are too tame. */
  int popped;
  int refused;

  RingFuzzTest() {
    for (int z = 0; z < ZONE_START.length; z++) {
      Permission p = ZONE_READ[z] && ZONE_WRITE[z] ? Permission.READ_WRITE
          : ZONE_READ[z] ? Permission.READ_ONLY : Permission.WRITE_ONLY;
      iotlb.map(BASE + ZONE_START[z], ZONE_END[z] - ZONE_START[z], memory, ZONE_START[z], p);
    }
    for (int i = 0; i < arena.capacity(); i++) {
      arena.put(i, CANARY_BYTE);
    }
  }

  @Property(tries = 1000)
  void splitDeviceSurvivesRandomRings(@ForAll long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    popped = 0;
    refused = 0;
    int n = 16;
    SplitDevice dev = new SplitDevice(new QueueConfig(n, DESC, DRIVER, DEVICE, features(rnd)), iotlb);
    dev.readAhead(readAhead(rnd));
    for (int r = 0; r < RINGS_PER_TRY; r++) {
      dev.reset();
      fillSplit(rnd, n);
      run(dev, rnd, n);
    }
    checkCanaries();
    assertThat(popped).as("chains popped").isPositive();
    assertThat(refused).as("rings refused").isPositive();
  }

  @Property(tries = 1000)
  void packedDeviceSurvivesRandomRings(@ForAll long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    popped = 0;
    refused = 0;
    int n = 13;
    PackedDevice dev = new PackedDevice(
        new QueueConfig(n, DESC, DRIVER, DEVICE, features(rnd) | VirtioRingFeatures.mask(VirtioRingFeatures.RING_PACKED)),
        iotlb);
    dev.readAhead(readAhead(rnd));
    for (int r = 0; r < RINGS_PER_TRY; r++) {
      dev.reset();
      fillPacked(rnd, n);
      run(dev, rnd, n);
    }
    checkCanaries();
    assertThat(popped).as("chains popped").isPositive();
    assertThat(refused).as("rings refused").isPositive();
  }

  @Property(tries = 3000)
  void readingAheadChangesNothingThatIsPopped(@ForAll long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean packed = rnd.nextBoolean();
    int n = packed ? 13 : 16;
    long f = features(rnd) | (packed ? VirtioRingFeatures.mask(VirtioRingFeatures.RING_PACKED) : 0);
    QueueConfig config = new QueueConfig(n, DESC, DRIVER, DEVICE, f);
    if (packed) {
      fillPacked(rnd, n);
    } else {
      fillSplit(rnd, n);
    }
    byte[] ring = new byte[SIZE];
    region.get(0, ring);
    boolean batched = rnd.nextBoolean();
    int ahead = 1 + rnd.nextInt(DeviceQueue.MAX_READ_AHEAD);
    List<String> without = popAll(config, 0, batched);
    region.put(0, ring);
    List<String> with = popAll(config, ahead, batched);
    assertThat(with).as("read-ahead %d, %s", ahead, batched ? "popBatch" : "pop").isEqualTo(without);
  }

  /** Pops a fresh device side until it stops; every chain, the error and every fault, in order. */
  private List<String> popAll(QueueConfig config, int ahead, boolean batched) {
    List<String> seen = new ArrayList<>();
    iotlb.setFaultListener((iova, length, write, error) ->
        seen.add("fault " + Long.toHexString(iova) + " " + length + " " + write + " " + error));
    try {
      DeviceQueue dev = config.has(VirtioRingFeatures.RING_PACKED) ? new PackedDevice(config, iotlb)
          : new SplitDevice(config, iotlb);
      dev.readAhead(ahead);
      ChainBatch batch = new ChainBatch(4);
      for (int step = 0; step < config.size() + 4; step++) {
        if (batched) {
          int took = dev.popBatch(batch);
          if (took == 0) {
            break;
          }
          for (int i = 0; i < batch.count(); i++) {
            seen.add("chain " + batch.id(i) + " " + batch.offset(i) + "+" + batch.length(i) + " " + batch.writable(i));
          }
          dev.pushBatch(batch, 0);
          if (batch.hasRest()) {
            seen.add(describe(batch.rest()));
            dev.push(batch.rest().id(), 0);
          }
        } else {
          if (!dev.pop(chain)) {
            break;
          }
          seen.add(describe(chain));
          dev.push(chain.id(), 0);
        }
      }
      seen.add("error " + dev.error());
      return seen;
    } finally {
      iotlb.setFaultListener(null);
    }
  }

  private static String describe(DescriptorChain c) {
    StringBuilder b = new StringBuilder("chain ").append(c.id()).append(" of ").append(c.descriptorCount());
    for (int s = 0; s < c.segments(); s++) {
      b.append(' ').append(c.offset(s)).append('+').append(c.length(s)).append(' ').append(c.writable(s));
    }
    return b.toString();
  }

  /** None a quarter of the time, else 1 to 64 chains, often more than the queue holds. */
  private static int readAhead(SplittableRandom rnd) {
    return rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(DeviceQueue.MAX_READ_AHEAD);
  }

  private static long features(SplittableRandom rnd) {
    long f = 0;
    if (rnd.nextInt(4) != 0) {
      f |= VirtioRingFeatures.mask(VirtioRingFeatures.INDIRECT_DESC);
    }
    if (rnd.nextBoolean()) {
      f |= VirtioRingFeatures.mask(VirtioRingFeatures.EVENT_IDX);
    }
    if (rnd.nextInt(4) == 0) {
      f |= VirtioRingFeatures.mask(VirtioRingFeatures.IN_ORDER);
    }
    return f;
  }

  private void run(DeviceQueue dev, SplittableRandom rnd, int n) {
    if (rnd.nextBoolean()) {
      runBatched(dev, rnd, n);
      return;
    }
    int pops = 0;
    for (int step = 0; step < n + 4; step++) {
      if (!dev.pop(chain)) {
        break;
      }
      pops++;
      checkChain(chain, n);
      chain.readTo(scratch, 0, scratch.length);
      int written = chain.writeFrom(scratch, 0, rnd.nextInt(scratch.length));
      if (rnd.nextInt(8) == 0) {
        dev.push(rnd.nextInt(n + 2) - 1, written);
      }
      dev.push(chain.id(), written);
      if (rnd.nextBoolean()) {
        dev.publish();
        dev.needsNotify();
      }
    }
    endRun(dev, pops, n);
  }

  private void endRun(DeviceQueue dev, int pops, int n) {
    dev.publish();
    dev.enableNotifications();
    dev.disableNotifications();
    dev.needsNotify();
    assertThat(pops).isLessThanOrEqualTo(n);
    popped += pops;
    if (dev.needsReset()) {
      refused++;
      assertThat(dev.error()).isNotEqualTo(RingError.NONE);
    }
  }

  /** As {@link #run}, through popBatch and pushBatch: the same checks on every chain taken. */
  private void runBatched(DeviceQueue dev, SplittableRandom rnd, int n) {
    ChainBatch batch = new ChainBatch(1 + rnd.nextInt(8));
    int pops = 0;
    for (int step = 0; step < n + 4; step++) {
      int took = dev.popBatch(batch);
      if (took == 0) {
        break;
      }
      pops += took;
      assertThat(took).isEqualTo(batch.count() + (batch.hasRest() ? 1 : 0));
      for (int i = 0; i < batch.count(); i++) {
        checkSegment(batch.buffer(i), batch.offset(i), batch.length(i), batch.writable(i));
        batch.readTo(i, ByteBuffer.wrap(scratch), 0, scratch.length);
        if (batch.writable(i)) {
          batch.buffer(i).put(batch.offset(i), (byte) 1);
        }
      }
      if (rnd.nextInt(8) == 0) {
        dev.push(rnd.nextInt(n + 2) - 1, 0);
      }
      dev.pushBatch(batch, rnd.nextInt(4));
      if (batch.hasRest()) {
        DescriptorChain rest = batch.rest();
        checkChain(rest, n);
        dev.push(rest.id(), rest.writeFrom(scratch, 0, rnd.nextInt(scratch.length)));
      }
      if (rnd.nextBoolean()) {
        dev.publish();
        dev.needsNotify();
      }
    }
    endRun(dev, pops, n);
  }

  /** A segment lies in a zone that allows its access, in a view of the right size and mode. */
  private void checkSegment(ByteBuffer b, int from, int length, boolean write) {
    int to = from + length;
    boolean ok = false;
    for (int z = 0; z < ZONE_START.length; z++) {
      if (from >= ZONE_START[z] && to <= ZONE_END[z]) {
        ok = write ? ZONE_WRITE[z] : ZONE_READ[z];
      }
    }
    if (!ok || length < 1 || b.capacity() != SIZE || (!write && !b.isReadOnly())) {
      assertThat(length).isPositive();
      assertThat(ok).as("segment %d..%d write=%s in a zone that allows it", from, to, write).isTrue();
      assertThat(b.capacity()).isEqualTo(SIZE);
      assertThat(b.isReadOnly()).as("readable segments are read-only views").isEqualTo(!write);
    }
  }

  private void checkChain(DescriptorChain chain, int n) {
    if (chain.descriptorCount() > n || chain.descriptorCount() < 1) {
      assertThat(chain.descriptorCount()).isBetween(1, n);
    }
    for (int s = 0; s < chain.segments(); s++) {
      checkSegment(chain.buffer(s), chain.offset(s), chain.length(s), chain.writable(s));
    }
  }

  private void checkCanaries() {
    for (int i = 0; i < CANARY; i++) {
      if (arena.get(i) != CANARY_BYTE || arena.get(CANARY + SIZE + i) != CANARY_BYTE) {
        assertThat(arena.get(i)).as("canary before the map at %d", i).isEqualTo(CANARY_BYTE);
        assertThat(arena.get(CANARY + SIZE + i)).as("canary after the map at %d", i).isEqualTo(CANARY_BYTE);
      }
    }
    for (int i = HOLE_START; i < HOLE_END; i++) {
      assertThat(region.get(i)).as("hole byte %d", i).isEqualTo(CANARY_BYTE);
    }
    for (int i = ZONE_START[1]; i < ZONE_END[1]; i++) {
      if (region.get(i) != CANARY_BYTE) {
        assertThat(region.get(i)).as("read-only byte %d", i).isEqualTo(CANARY_BYTE);
      }
    }
  }

  /** An address biased towards interesting places. */
  private static long addr(SplittableRandom rnd) {
    switch (rnd.nextInt(10)) {
      case 0:
        return BASE + HOLE_START + rnd.nextInt(HOLE_END - HOLE_START);
      case 1:
        return BASE + SIZE - rnd.nextInt(64);
      case 2:
        return -1L - rnd.nextInt(64);
      case 3:
        return rnd.nextLong();
      case 4:
        return BASE - 1 - rnd.nextInt(64);
      case 5:
        return INDIRECT_AREA + 16L * rnd.nextInt(32);
      default:
        return BASE + ZONE_START[1] + rnd.nextInt(SIZE - ZONE_START[1]);
    }
  }

  private static long len(SplittableRandom rnd) {
    switch (rnd.nextInt(8)) {
      case 0:
        return 0xFFFF_FFFFL - rnd.nextInt(64);
      case 1:
        return 0;
      case 2:
        return 16L * rnd.nextInt(40);
      case 3:
        return rnd.nextInt(70_000);
      default:
        return 1 + rnd.nextInt(200);
    }
  }

  private static int flags(SplittableRandom rnd) {
    int f = rnd.nextInt(8);
    if (rnd.nextInt(3) == 0) {
      f &= ~4;
    }
    return f;
  }

  private void descriptor(SplittableRandom rnd, long iova, boolean packed, int n) {
    int o = (int) (iova - BASE);
    region.putLong(o, addr(rnd));
    region.putInt(o + 8, (int) len(rnd));
    int f = flags(rnd);
    if (packed) {
      region.putShort(o + PackedLayout.DESC_ID, (short) (rnd.nextInt(8) == 0 ? rnd.nextInt(65536) : rnd.nextInt(n)));
      f |= rnd.nextInt(4) == 0 ? rnd.nextInt(4) << 14 & 0x8000 | (rnd.nextInt(2) << 7) : PackedLayout.F_AVAIL;
      region.putShort(o + PackedLayout.DESC_FLAGS, (short) f);
    } else {
      region.putShort(o + SplitLayout.DESC_FLAGS, (short) f);
      region.putShort(o + SplitLayout.DESC_NEXT, (short) (rnd.nextInt(16) == 0 ? rnd.nextInt(65536) : rnd.nextInt(n + 1)));
    }
  }

  private void fillIndirectArea(SplittableRandom rnd, boolean packed, int n) {
    for (int i = 0; i < 64; i++) {
      descriptor(rnd, INDIRECT_AREA + 16L * i, packed, n);
    }
  }

  private void fillSplit(SplittableRandom rnd, int n) {
    for (int i = 0; i < n; i++) {
      descriptor(rnd, DESC + 16L * i, false, n);
    }
    int a = (int) (DRIVER - BASE);
    int idx = rnd.nextInt(16) == 0 ? rnd.nextInt(65536) : rnd.nextInt(n + 2);
    region.putShort(a + SplitLayout.AVAIL_IDX, (short) idx);
    for (int i = 0; i < n + 1; i++) {
      region.putShort(a + SplitLayout.AVAIL_RING + 2 * i,
          (short) (rnd.nextInt(16) == 0 ? rnd.nextInt(65536) : rnd.nextInt(n)));
    }
    fillIndirectArea(rnd, false, n);
  }

  private void fillPacked(SplittableRandom rnd, int n) {
    for (int i = 0; i < n; i++) {
      descriptor(rnd, DESC + 16L * i, true, n);
    }
    region.putInt((int) (DRIVER - BASE), rnd.nextInt());
    fillIndirectArea(rnd, true, n);
  }
}
