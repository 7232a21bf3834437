package net.vdpa.driver.virtionet;

import static net.vdpa.api.net.VirtioNet.F_CTRL_VQ;
import static net.vdpa.api.net.VirtioNet.F_MAC;
import static net.vdpa.api.net.VirtioNet.F_MQ;
import static net.vdpa.api.net.VirtioNet.F_MRG_RXBUF;
import static net.vdpa.api.net.VirtioNet.F_MTU;
import static net.vdpa.api.net.VirtioNet.F_RING_PACKED;
import static net.vdpa.api.net.VirtioNet.F_STATUS;
import static net.vdpa.api.net.VirtioNet.F_VERSION_1;
import static net.vdpa.api.net.VirtioNet.bit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.net.FrameReceiver;
import net.vdpa.api.net.NetInterface.SendResult;
import net.vdpa.api.net.NetStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VirtioNetInterfaceTest {
  private static final long BASIC = bit(F_VERSION_1) | bit(F_MAC) | bit(F_MTU) | bit(F_STATUS);
  private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Test
  void aReceiverThatThrowsIsCountedAndLoggedOnceAndFramesKeepFlowing() {
    LoopbackDevice dev = new LoopbackDevice(BASIC, 1, 1500);
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.SPLIT, 64, warnings::add);
    List<Integer> got = new ArrayList<>();
    i.setReceiver((pair, f) -> {
      if (f.remaining() % 2 == 1) {
        throw new IllegalStateException("odd frame " + f.remaining());
      }
      got.add(f.remaining());
    });
    for (int len = 60; len < 160; len++) {
      assertThat(i.send(frame(len, len))).isEqualTo(SendResult.SENT);
    }
    assertThat(got).hasSize(50);
    assertThat(i.stats().rxPackets()).isEqualTo(50);
    assertThat(i.stats().rxDropped()).as("frames the receiver threw on").isEqualTo(50);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("interface vnet0: the frame receiver failed on queue pair 0")
        .contains("odd frame 61");
  }

  private static ByteBuffer frame(int len, int seed) {
    ByteBuffer b = ByteBuffer.allocate(len);
    for (int i = 0; i < len; i++) {
      b.put(i, (byte) (seed * 31 + i));
    }
    b.put(0, (byte) 0x02); // unicast destination
    return b;
  }

  /** A device that never consumes what it is given. */
  private static LoopbackDevice stalled() {
    return new LoopbackDevice(BASIC, 1, 1500) {
      @Override
      public synchronized void kickVq(int idx) {
        // never consumes
      }
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"SPLIT", "PACKED"})
  void everyFrameSizeComesBackExactly(String ring) {
    LoopbackDevice dev = new LoopbackDevice(BASIC | bit(F_RING_PACKED), 1, 1500);
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.valueOf(ring), 256, warnings::add);
    assertThat(dev.status()).isEqualTo(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK | VirtioStatus.DRIVER_OK);
    assertThat(i.negotiation().packed()).isEqualTo(ring.equals("PACKED"));
    assertThat(i.mac().toString()).isEqualTo("02:00:00:00:00:01");
    assertThat(i.mtu()).isEqualTo(1500);
    ByteBuffer dst = ByteBuffer.allocate(2000);
    long bytes = 0;
    for (int len = 60; len <= 1514; len++) {
      ByteBuffer f = frame(len, len);
      assertThat(i.send(f)).isEqualTo(SendResult.SENT);
      dst.clear();
      assertThat(i.receive(0, dst)).isEqualTo(len);
      assertThat(dst.flip()).isEqualTo(f);
      bytes += len;
    }
    assertThat(i.stats()).isEqualTo(new NetStats(1455, bytes, 0, 1455, bytes, 0, 0));
    assertThat(i.send(frame(1515, 0))).isEqualTo(SendResult.INVALID);
    assertThat(i.send(frame(10, 0))).isEqualTo(SendResult.INVALID);
    assertThat(i.stats().txErrors()).isEqualTo(2);
  }

  @Test
  void jumboFramesAcrossMergedBuffersReachAReceiver() {
    LoopbackDevice dev = new LoopbackDevice(BASIC | bit(F_MRG_RXBUF), 1, 9000);
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.AUTO, 256, warnings::add);
    assertThat(i.negotiation().mergeable()).isTrue();
    List<byte[]> got = new ArrayList<>();
    i.setReceiver((pair, f) -> {
      byte[] b = new byte[f.remaining()];
      f.get(f.position(), b);
      got.add(b);
    });
    for (int len : new int[] {60, 2000, 2036, 4096, 9014}) {
      assertThat(i.send(frame(len, len))).isEqualTo(SendResult.SENT);
    }
    assertThat(got).hasSize(5);
    assertThat(ByteBuffer.wrap(got.get(4))).isEqualTo(frame(9014, 9014));
    assertThat(ByteBuffer.wrap(got.get(1))).isEqualTo(frame(2000, 2000));
  }

  @Test
  void multiqueueSetsPairsThroughTheControlQueue() {
    LoopbackDevice dev = new LoopbackDevice(BASIC | bit(F_CTRL_VQ) | bit(F_MQ), 4, 1500);
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.SPLIT, 64, warnings::add);
    assertThat(i.queuePairs()).isEqualTo(4);
    assertThat(dev.controlCommands).isEqualTo(1);
    ByteBuffer dst = ByteBuffer.allocate(2000);
    for (int p = 0; p < 4; p++) {
      assertThat(i.send(p, frame(100, p))).isEqualTo(SendResult.SENT);
      assertThat(i.receive(p, dst.clear())).isEqualTo(100);
      assertThat(i.stats(p).rxPackets()).isEqualTo(1);
    }
    assertThatThrownBy(() -> i.send(4, frame(60, 0))).hasMessage("queue pair 4 does not exist on vnet0 (it has 4)");
  }

  @Test
  void afterStopSendsReportDownAndTheDeviceIsReset() {
    LoopbackDevice dev = new LoopbackDevice(BASIC, 1, 1500);
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.SPLIT, 64, warnings::add);
    i.stop();
    assertThat(dev.status()).isZero();
    assertThat(i.send(frame(60, 1))).isEqualTo(SendResult.DOWN);
    assertThat(i.receive(0, ByteBuffer.allocate(100))).isEqualTo(-1);
    assertThat(i.linkUp()).isFalse();
    assertThat(i.stats().txDropped()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SPLIT", "PACKED"})
  void pollHandsTheCallerFramesInOrderUpToItsBudget(String ring) {
    LoopbackDevice dev = new LoopbackDevice(BASIC | bit(F_RING_PACKED) | bit(F_MRG_RXBUF), 1, 9000);
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.valueOf(ring), 64, warnings::add);
    assertThat(i.negotiation().mergeable()).isTrue();
    List<byte[]> got = new ArrayList<>();
    FrameReceiver r = (pair, f) -> {
      assertThat(pair).isZero();
      byte[] b = new byte[f.remaining()];
      f.get(f.position(), b);
      got.add(b);
    };
    for (int lap = 0; lap < 3; lap++) {
      // frames of one to four 2 KiB receive buffers (48 in all), so merged frames straddle the
      // driver's bursts of 32 used buffers; three laps of a 64-entry ring need every buffer back
      List<ByteBuffer> sent = new ArrayList<>();
      for (int n = 0; n < 20; n++) {
        ByteBuffer f = frame(60 + n * 400, n + lap);
        assertThat(i.send(f)).isEqualTo(SendResult.SENT);
        sent.add(f);
      }
      got.clear();
      assertThat(i.poll(0, r, 7)).isEqualTo(7);
      assertThat(got).hasSize(7);
      assertThat(i.poll(0, r, 100)).isEqualTo(13);
      assertThat(i.poll(0, r, 100)).isZero();
      for (int n = 0; n < 20; n++) {
        assertThat(ByteBuffer.wrap(got.get(n))).as("lap %d frame %d", lap, n).isEqualTo(sent.get(n));
      }
    }
    assertThat(i.stats().rxPackets()).isEqualTo(60);
    assertThat(i.stats().rxDropped()).isZero();
  }

  @Test
  void pollCountsFramesItsReceiverThrowsOnAndNamesBadArguments() {
    LoopbackDevice dev = new LoopbackDevice(BASIC, 1, 1500);
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.SPLIT, 64, warnings::add);
    List<Integer> got = new ArrayList<>();
    FrameReceiver r = (pair, f) -> {
      if (f.remaining() % 2 == 1) {
        throw new IllegalStateException("odd frame " + f.remaining());
      }
      got.add(f.remaining());
    };
    for (int len = 60; len < 70; len++) {
      assertThat(i.send(frame(len, len))).isEqualTo(SendResult.SENT);
    }
    // the budget counts the frames taken, the ones the receiver threw on included
    assertThat(i.poll(0, r, 4)).as("frames the receiver took of 60-63").isEqualTo(2);
    assertThat(i.poll(0, r, 10)).as("frames the receiver took of 64-69").isEqualTo(3);
    assertThat(got).containsExactly(60, 62, 64, 66, 68);
    assertThat(i.stats().rxPackets()).isEqualTo(5);
    assertThat(i.stats().rxDropped()).isEqualTo(5);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("odd frame 61");
    assertThat(i.send(frame(62, 0))).isEqualTo(SendResult.SENT);
    assertThat(i.poll(0, r, 0)).as("a budget of 0 takes nothing").isZero();
    assertThat(i.poll(0, r, -3)).isZero();
    assertThat(i.poll(0, r, 1)).as("the frame waited").isEqualTo(1);
    assertThatThrownBy(() -> i.poll(1, r, 1)).hasMessage("queue pair 1 does not exist on vnet0 (it has 1)");
    assertThatThrownBy(() -> i.poll(0, null, 1)).isInstanceOf(NullPointerException.class).hasMessage("receiver");
    assertThat(i.send(frame(60, 0))).isEqualTo(SendResult.SENT);
    i.stop();
    // this device cannot suspend, so the frame stays in the ring: a stopped interface hands out nothing
    assertThat(i.poll(0, r, 10)).isZero();
  }

  @Test
  void aFullTransmitRingSaysBusy() {
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", stalled(), Negotiation.RingChoice.SPLIT, 16, warnings::add);
    for (int n = 0; n < 16; n++) {
      assertThat(i.send(frame(60, n))).isEqualTo(SendResult.SENT);
    }
    assertThat(i.send(frame(60, 99))).isEqualTo(SendResult.BUSY);
    assertThat(i.txInFlight()).isEqualTo(16);
  }

  @Test
  void receiveBuffersGoBackUnderTheIdsTheyHad() {
    // a split queue hands ids out again in the order they came back; posting the used buffers in
    // that order keeps descriptor i on the same buffer lap after lap, so the table is never rewritten
    LoopbackDevice dev = new LoopbackDevice(BASIC, 1, 1500);
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.SPLIT, 64, warnings::add);
    int[] received = new int[1];
    i.setReceiver((pair, f) -> received[0]++);
    byte[] posted = dev.descriptorTable(0);
    int sent = 0;
    for (int burst = 1; sent < 10 * 64; burst = burst % 31 + 7) {
      ByteBuffer[] frames = new ByteBuffer[burst];
      for (int n = 0; n < burst; n++) {
        frames[n] = frame(60 + n, n);
      }
      assertThat(i.send(0, frames, 0, burst)).isEqualTo(burst);
      sent += burst;
      assertThat(received[0]).isEqualTo(sent);
      assertThat(dev.descriptorTable(0)).as("receive descriptors after %d frames", sent).isEqualTo(posted);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"SPLIT", "PACKED"})
  void aBurstIsSentWithOneKickAndComesBackInOrder(String ring) {
    List<Integer> kicks = new ArrayList<>();
    LoopbackDevice dev = new LoopbackDevice(BASIC | bit(F_RING_PACKED), 1, 1500) {
      @Override
      public synchronized void kickVq(int idx) {
        kicks.add(idx);
        super.kickVq(idx);
      }
    };
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.valueOf(ring), 64, warnings::add);
    List<byte[]> got = new ArrayList<>();
    i.setReceiver((pair, f) -> {
      byte[] b = new byte[f.remaining()];
      f.get(f.position(), b);
      got.add(b);
    });
    kicks.clear();
    ByteBuffer[] frames = new ByteBuffer[40];
    for (int n = 0; n < frames.length; n++) {
      frames[n] = frame(n == 7 ? 10 : 60 + n, n);
    }
    assertThat(i.send(0, frames, 2, 30)).isEqualTo(30);
    // the transmit queue (1) is kicked once for the burst; the receive queue (0) as buffers are posted again
    assertThat(kicks.stream().filter(q -> q == 1)).hasSize(1);
    assertThat(got).hasSize(29);
    for (int n = 2, k = 0; n < 32; n++) {
      if (n != 7) {
        assertThat(ByteBuffer.wrap(got.get(k++))).isEqualTo(frames[n]);
      }
    }
    assertThat(frames[2].position()).isZero();
    assertThat(i.stats()).isEqualTo(new NetStats(29, i.stats().rxBytes(), 0, 29, i.stats().txBytes(), 0, 1));
    assertThat(i.send(0, frames, 0, 0)).isZero();
    assertThatThrownBy(() -> i.send(0, frames, 35, 6)).isInstanceOf(IndexOutOfBoundsException.class);
    // a null in the middle: the frames before it are still sent
    got.clear();
    ByteBuffer[] withNull = {frames[3], frames[4], null, frames[5]};
    assertThatThrownBy(() -> i.send(0, withNull, 0, 4)).isInstanceOf(NullPointerException.class);
    assertThat(got).hasSize(2);
    assertThatThrownBy(() -> i.send(1, frames, 0, 1)).hasMessage("queue pair 1 does not exist on vnet0 (it has 1)");
  }

  @Test
  void aBurstIntoAStoppedTransmitRingSendsNothingAndCountsOnlyTheInvalidFrame() {
    // the device's first used element names no chain in flight: the driver's queue stops, and a burst
    // after it skips (and counts) the invalid frame, then finds its first valid frame refused by the
    // stopped queue (its block given back) and adds, publishes and kicks nothing
    AtomicInteger kicks = new AtomicInteger();
    LoopbackDevice dev = new LoopbackDevice(BASIC, 1, 1500) {
      @Override
      public synchronized void kickVq(int idx) {
        if (idx == 1) {
          kicks.incrementAndGet();
          writeUsed(1, 1, 999);
        }
      }
    };
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.SPLIT, 16, warnings::add);
    assertThat(i.send(frame(60, 0))).isEqualTo(SendResult.SENT);
    ByteBuffer[] frames = {frame(10, 1), frame(60, 2), frame(60, 3)}; // the first too short for a frame
    long errors = i.stats().txErrors();
    assertThat(i.send(0, frames, 0, 3)).as("taken: the invalid frame only").isEqualTo(1);
    assertThat(i.stats().txErrors() - errors).isEqualTo(1);
    assertThat(i.stats().txPackets()).isEqualTo(1);
    assertThat(i.send(0, frames, 1, 2)).isZero();
    assertThat(i.send(frame(60, 4))).isEqualTo(SendResult.BUSY);
    assertThat(kicks.get()).as("only the first frame's kick").isEqualTo(1);
  }

  @Test
  void aBurstTakesWhatFitsAndLeavesTheRest() {
    VirtioNetInterface i = VirtioNetInterface.start("vnet0", stalled(), Negotiation.RingChoice.SPLIT, 16, warnings::add);
    ByteBuffer[] frames = new ByteBuffer[20];
    for (int n = 0; n < frames.length; n++) {
      frames[n] = frame(60, n);
    }
    assertThat(i.send(0, frames, 0, 20)).isEqualTo(16);
    assertThat(i.send(0, frames, 16, 4)).isZero();
    assertThat(i.txInFlight()).isEqualTo(16);
    assertThat(i.stats().txPackets()).isEqualTo(16);
    i.stop();
    long before = i.stats().txDropped();
    assertThat(i.send(0, frames, 16, 4)).isEqualTo(-1);
    assertThat(i.stats().txDropped() - before).isEqualTo(4);
    assertThat(i.send(0, frames, 0, 0)).as("down says so even for an empty burst").isEqualTo(-1);
  }

  @Test
  void aDeviceWithoutVersion1EndsFailed() {
    LoopbackDevice dev = new LoopbackDevice(bit(F_MAC), 1, 1500);
    assertThatThrownBy(() -> VirtioNetInterface.start("vnet0", dev, Negotiation.RingChoice.AUTO, 64, warnings::add))
        .hasMessageContaining("does not offer VERSION_1");
    assertThat(dev.status() & VirtioStatus.FAILED).isEqualTo(VirtioStatus.FAILED);
  }
}
