package net.vdpa.device.smartnic;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The legacy switch as a learning bridge: flooding, learning, no hairpin, ageing, ports leaving. */
class ESwitchTest {
  private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
  private final ESwitch sw = new ESwitch(300_000, clock::get);

  /** Remembers the destination of every frame it takes. */
  private static final class Sink implements SwitchPort.Receiver {
    final List<Long> got = new ArrayList<>();
    final List<Integer> tags = new ArrayList<>();
    boolean full;

    @Override
    public int accept(int senderPair, Frame frame, int tag) {
      if (full) {
        return SwitchPort.FULL;
      }
      got.add(frame.mac(0));
      tags.add(tag);
      return SwitchPort.TAKEN;
    }
  }

  private SwitchPort port(String name, Sink sink) {
    SwitchPort p = sw.add(name, true);
    p.attach(sink);
    return p;
  }

  private static Frame frame(long dst, long src) {
    return frame(dst, src, -1);
  }

  private static Frame frame(long dst, long src, int vid) {
    ByteBuffer b = ByteBuffer.allocate(64);
    for (int i = 0; i < 6; i++) {
      b.put(i, (byte) (dst >>> (40 - 8 * i)));
      b.put(6 + i, (byte) (src >>> (40 - 8 * i)));
    }
    if (vid >= 0) {
      b.put(12, (byte) 0x81).put(13, (byte) 0).putShort(14, (short) vid);
    }
    Frame f = new Frame();
    f.add(b, 0, 64);
    return f;
  }

  private static final long A = 0x02_00_00_00_00_0aL;
  private static final long B = 0x02_00_00_00_00_0bL;
  private static final long C = 0x02_00_00_00_00_0cL;
  private static final long BROADCAST = 0xffff_ffff_ffffL;

  @Test
  void inSwitchdevModeAFunctionsFramesGoToItsRepresentorAndTheRepresentorsToTheFunction() {
    Sink a = new Sink();
    Sink b = new Sink();
    SwitchPort pa = port("vf0", a);
    SwitchPort pb = port("vf1", b);
    Representor ra = new Representor("pf0vf0", "pci/0000:03:00.2", pa, new net.vdpa.api.MacAddress(0x02_fe_00_00_00_01L), 1500);
    pa.representor(ra);
    sw.switchdev(true);
    sw.forward(pb, 0, frame(BROADCAST, B));
    // the learning bridge is off: nothing goes port to port, and a port without a representor drops
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(1);
    assertThat(sw.forward(pb, 0, frame(A, B))).isZero();
    assertThat(a.got).isEmpty();
    assertThat(b.got).isEmpty();
    ByteBuffer got = ByteBuffer.allocate(2048);
    assertThat(ra.receive(0, got)).isEqualTo(64);
    assertThat(got.flip().getShort(4) & 0xffff).as("the frame to B, as A sent it").isEqualTo(0x000b);
    assertThat(ra.receive(0, got.clear())).isEqualTo(-1);
    // what the representor sends, its function receives, whatever the address
    ByteBuffer out = ByteBuffer.allocate(60);
    out.put(0, (byte) 0xff);
    assertThat(ra.send(out)).isEqualTo(net.vdpa.api.net.NetInterface.SendResult.SENT);
    assertThat(a.got).hasSize(1);
    assertThat(ra.stats()).isEqualTo(new net.vdpa.api.net.NetStats(1, 64, 0, 1, 60, 0, 0));
    assertThat(ra.send(ByteBuffer.allocate(10))).isEqualTo(net.vdpa.api.net.NetInterface.SendResult.INVALID);
    ra.close();
    assertThat(ra.send(out)).isEqualTo(net.vdpa.api.net.NetInterface.SendResult.DOWN);
    assertThat(sw.forward(pa, 0, frame(B, A))).isZero();
  }

  @Test
  void switchdevRulesCarryMatchingFramesFunctionToFunctionAndCountThem() {
    Sink a = new Sink();
    Sink b = new Sink();
    Sink c = new Sink();
    SwitchPort pa = port("vf0", a);
    SwitchPort pb = port("vf1", b);
    SwitchPort pc = port("vf2", c);
    Representor ra = new Representor("rep0", "pci/0000:03:00.2", pa, new net.vdpa.api.MacAddress(0x02_fe_00_00_00_01L), 1500);
    pa.representor(ra);
    java.util.Map<String, SwitchPort> byRep = java.util.Map.of("rep1", pb, "rep2", pc);
    java.util.function.Function<String, SwitchPort> portOf = byRep::get;
    net.vdpa.api.devlink.FlowMatch toB = new net.vdpa.api.devlink.FlowMatch(new net.vdpa.api.MacAddress(B), null, null, null);
    SwitchRule redirect = new SwitchRule(new net.vdpa.api.devlink.FlowRule(10, toB, List.of(
        new net.vdpa.api.devlink.FlowAction.Mirror("rep2"), new net.vdpa.api.devlink.FlowAction.VlanPush(7),
        new net.vdpa.api.devlink.FlowAction.Redirect("rep1"))), portOf);
    SwitchRule drop = new SwitchRule(new net.vdpa.api.devlink.FlowRule(20,
        new net.vdpa.api.devlink.FlowMatch(null, null, 5, 0x0800), List.of(new net.vdpa.api.devlink.FlowAction.Drop())), portOf);
    pa.rules(new SwitchRule[] {redirect, drop});
    sw.switchdev(true);
    // matched by prio 10: to B with a tag pushed, a copy to C untouched; the representor sees nothing
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(2);
    assertThat(b.got).containsExactly(B);
    assertThat(b.tags).containsExactly(0x10000 | 7);
    assertThat(c.tags).containsExactly(FrameQueue.KEEP_TAG);
    assertThat(ra.stats().rxPackets()).isZero();
    // prio 20 drops VLAN 5 IPv4 only: the same VLAN with another EtherType takes the slow path
    Frame v5 = frame(C, A, 5);
    assertThat(sw.forward(pa, 0, v5)).as("to the representor").isEqualTo(1);
    assertThat(drop.stats("rep0").packets()).isZero();
    assertThat(ra.stats().rxPackets()).isEqualTo(1);
    ByteBuffer ip = ByteBuffer.allocate(64);
    ip.put(0, (byte) 2).put(5, (byte) 0x0c).put(6, (byte) 2).put(11, (byte) 0x0a);
    ip.put(12, (byte) 0x81).putShort(14, (short) 5).putShort(16, (short) 0x0800);
    Frame ipv4 = new Frame();
    ipv4.add(ip, 0, 64);
    assertThat(sw.forward(pa, 0, ipv4)).isZero();
    assertThat(drop.stats("rep0").packets()).isEqualTo(1);
    assertThat(ra.stats().rxPackets()).isEqualTo(1);
    // a full redirect target holds the frame: nothing is mirrored or counted until it goes
    b.full = true;
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(SwitchPort.FULL);
    assertThat(c.got).hasSize(1);
    assertThat(redirect.stats("rep0")).isEqualTo(new net.vdpa.api.devlink.FlowRuleStats("rep0", redirect.rule(), 1, 64));
    assertThat(redirect.targets(pc)).isTrue();
    assertThat(drop.targets(pc)).isFalse();
  }

  @Test
  void anUnknownDestinationIsFloodedAndALearntOneIsNot() {
    Sink a = new Sink();
    Sink b = new Sink();
    Sink c = new Sink();
    SwitchPort pa = port("pf0vf0", a);
    SwitchPort pb = port("pf0vf1", b);
    port("pf0vf2", c);
    // B is not known yet: every other port gets it, not the sender
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(2);
    assertThat(a.got).isEmpty();
    assertThat(b.got).containsExactly(B);
    assertThat(c.got).containsExactly(B);
    // B answers: A was learnt, so only A's port gets it
    assertThat(sw.forward(pb, 0, frame(A, B))).isEqualTo(1);
    assertThat(a.got).containsExactly(A);
    assertThat(c.got).containsExactly(B);
    // and now B is known too
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(1);
    assertThat(c.got).containsExactly(B);
    assertThat(b.got).containsExactly(B, B);
  }

  @Test
  void broadcastGoesEverywhereButBackAndAHairpinIsDropped() {
    Sink a = new Sink();
    Sink b = new Sink();
    SwitchPort pa = port("pf0vf0", a);
    port("pf0vf1", b);
    assertThat(sw.forward(pa, 0, frame(BROADCAST, A))).isEqualTo(1);
    assertThat(b.got).containsExactly(BROADCAST);
    // a frame to an address learnt on its own port goes nowhere
    assertThat(sw.forward(pa, 0, frame(A, C))).isZero();
    assertThat(a.got).isEmpty();
  }

  @Test
  void anAgedAddressIsFloodedAgain() {
    Sink a = new Sink();
    Sink b = new Sink();
    Sink c = new Sink();
    SwitchPort pa = port("pf0vf0", a);
    SwitchPort pb = port("pf0vf1", b);
    port("pf0vf2", c);
    sw.forward(pb, 0, frame(BROADCAST, B));
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(1);
    clock.addAndGet(300_001);
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(2);
  }

  @Test
  void portsWithoutADeviceOrLinkAreLeftOutAndAFullReceiverHoldsUnicastButDropsFloods() {
    Sink a = new Sink();
    Sink b = new Sink();
    SwitchPort pa = port("pf0vf0", a);
    SwitchPort pb = port("pf0vf1", b);
    sw.add("pf0vf2", true);
    SwitchPort uplink = sw.add("p0", false);
    uplink.attach(new Sink());
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(1);
    sw.forward(pb, 0, frame(A, B));
    b.full = true;
    // a unicast frame waits for a full receiver; a flooded one is dropped there
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(SwitchPort.FULL);
    assertThat(pb.txDropped()).isZero();
    assertThat(sw.forward(pa, 0, frame(BROADCAST, A))).isZero();
    assertThat(pb.txDropped()).isEqualTo(1);
  }

  @Test
  void aRemovedPortsAddressesAreForgottenAndItsIndexReused() {
    Sink a = new Sink();
    Sink b = new Sink();
    Sink c = new Sink();
    SwitchPort pa = port("pf0vf0", a);
    SwitchPort pb = port("pf0vf1", b);
    sw.forward(pb, 0, frame(BROADCAST, B));
    sw.remove(pb);
    SwitchPort pc = port("pf0vf9", c);
    assertThat(pc.index()).isEqualTo(pb.index());
    // B's entry pointed at the old port's index: it must not lead to the new port
    assertThat(sw.forward(pa, 0, frame(B, A))).isEqualTo(1);
    assertThat(c.got).containsExactly(B);
    assertThat(sw.fdb().lookup(B, 0, clock.get())).isEqualTo(-1);
  }

  @Test
  void portVlansIsolateAndTrunksCarryTags() {
    Sink a = new Sink();
    Sink b = new Sink();
    Sink c = new Sink();
    Sink t = new Sink();
    SwitchPort pa = port("pf0vf0", a);
    SwitchPort pb = port("pf0vf1", b);
    SwitchPort pc = port("pf0vf2", c);
    SwitchPort trunk = port("pf0vf3", t);
    sw.vlan(pa, 10);
    sw.vlan(pb, 10);
    sw.vlan(pc, 20);
    // a broadcast in VLAN 10 reaches B untagged and the trunk tagged, not C (VLAN 20)
    assertThat(sw.forward(pa, 0, frame(BROADCAST, A))).isEqualTo(2);
    assertThat(b.tags).containsExactly(FrameQueue.KEEP_TAG);
    assertThat(t.tags).containsExactly(0x10000 | 10);
    assertThat(c.got).isEmpty();
    // a tagged frame from the trunk in VLAN 20 reaches C with its tag popped
    assertThat(sw.forward(trunk, 0, frame(BROADCAST, 0x02_00_00_00_00_99L, 20))).isEqualTo(1);
    assertThat(c.tags).containsExactly(FrameQueue.POP_TAG);
    // A learnt in VLAN 10 only: a unicast to A in VLAN 20 is flooded in VLAN 20 (to C), never to A
    assertThat(sw.forward(pc, 0, frame(A, C))).isEqualTo(1);
    assertThat(a.got).isEmpty();
    // an access port may not send tagged frames
    assertThat(sw.forward(pa, 0, frame(BROADCAST, A, 20))).isZero();
  }

  @Test
  void aSpoofCheckedPortSendsOnlyFromItsOwnAddress() {
    Sink a = new Sink();
    Sink b = new Sink();
    SwitchPort pa = port("pf0vf0", a);
    port("pf0vf1", b);
    sw.station(pa, 0, A);
    pa.spoofCheck(true);
    assertThat(sw.forward(pa, 0, frame(BROADCAST, C))).isZero();
    assertThat(pa.spoofDropped()).isEqualTo(1);
    assertThat(sw.forward(pa, 0, frame(BROADCAST, A))).isEqualTo(1);
    pa.spoofCheck(false);
    assertThat(sw.forward(pa, 0, frame(BROADCAST, C))).isEqualTo(1);
  }

  @Test
  void aFrameQueuePushesAndPopsTags() {
    FrameQueue q = new FrameQueue(4, 128);
    Frame plain = frame(B, A);
    Frame tagged = frame(B, A, 10);
    Frame out = new Frame();
    assertThat(q.offer(plain, 0x10000 | 10)).isTrue();
    assertThat(q.peek(out)).isTrue();
    assertThat(out.length()).isEqualTo(68);
    assertThat(out.vid()).isEqualTo(10);
    assertThat(out.mac(6)).isEqualTo(A);
    q.remove();
    assertThat(q.offer(tagged, FrameQueue.POP_TAG)).isTrue();
    assertThat(q.peek(out)).isTrue();
    assertThat(out.length()).isEqualTo(60);
    assertThat(out.vid()).isEqualTo(-1);
    assertThat(out.mac(0)).isEqualTo(B);
  }

  @Test
  void switchingAFrameAllocatesNothing() {
    Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    SwitchPort.Receiver count = (pair, f, tag) -> SwitchPort.TAKEN;
    SwitchPort pa = sw.add("pf0vf0", true);
    SwitchPort pb = sw.add("pf0vf1", true);
    sw.add("pf0vf2", true).attach(count);
    pa.attach(count);
    pb.attach(count);
    Frame ab = frame(B, A);
    Frame ba = frame(A, B);
    Frame flood = frame(BROADCAST, A);
    for (int i = 0; i < 20_000; i++) {
      sw.forward(pa, 0, ab);
      sw.forward(pb, 0, ba);
      sw.forward(pa, 0, flood);
    }
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100_000; i++) {
      sw.forward(pa, 0, ab);
      sw.forward(pb, 0, ba);
      sw.forward(pa, 0, flood);
    }
    long after = mx.getThreadAllocatedBytes(id);
    // the measuring call itself may allocate a little; per frame it is zero
    assertThat((after - before) / 300_000).as("bytes per switched frame").isZero();
  }

  /** Counts and drops, from any number of threads at once. */
  private static final class CountingSink implements SwitchPort.Receiver {
    final AtomicLong taken = new AtomicLong();

    @Override
    public int accept(int senderPair, Frame frame, int tag) {
      taken.incrementAndGet();
      return SwitchPort.TAKEN;
    }
  }

  @Test
  void ruleHitsAreExactWithOneWorkerPerPairOnAFunctionAndManyThreadsOnAnUplink() throws Exception {
    CountingSink sink = new CountingSink();
    SwitchPort vf = sw.add("vf0", true);
    SwitchPort uplink = sw.add("p0", true, true);
    SwitchPort target = sw.add("vf1", true);
    target.attach(sink);
    java.util.function.Function<String, SwitchPort> portOf = java.util.Map.of("rep1", target)::get;
    net.vdpa.api.devlink.FlowRule toTarget = new net.vdpa.api.devlink.FlowRule(1,
        new net.vdpa.api.devlink.FlowMatch(new net.vdpa.api.MacAddress(B), null, null, null),
        List.of(new net.vdpa.api.devlink.FlowAction.Redirect("rep1")));
    SwitchRule fromVf = new SwitchRule(toTarget, portOf);
    SwitchRule fromUplink = new SwitchRule(toTarget, portOf);
    vf.rules(new SwitchRule[] {fromVf});
    uplink.rules(new SwitchRule[] {fromUplink});
    sw.switchdev(true);
    final int each = 50_000;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      final int pair = t;
      // a function's four pairs, one worker each; and four threads of a far provider into the uplink,
      // all as pair 0
      threads.add(new Thread(() -> {
        Frame f = frame(B, A);
        for (int i = 0; i < each; i++) {
          sw.forward(vf, pair, f);
        }
      }));
      threads.add(new Thread(() -> {
        Frame f = frame(B, A);
        for (int i = 0; i < each; i++) {
          sw.forward(uplink, 0, f);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(sink.taken.get()).isEqualTo(8L * each);
    assertThat(fromVf.stats("rep0").packets()).isEqualTo(4L * each);
    assertThat(fromVf.stats("rep0").bytes()).isEqualTo(4L * each * 64);
    assertThat(fromUplink.stats("p0").packets()).as("an uplink's hits come from many threads at once").isEqualTo(4L * each);
    assertThat(fromUplink.stats("p0").bytes()).isEqualTo(4L * each * 64);
  }
}
