package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;
import org.junit.jupiter.api.Test;

/**
 * A cable whose far end is full holds the sender back instead of dropping: the regression behind
 * 4,184 of 10,000 frames lost on the README's cable while {@code net:stats} said nothing.
 */
class CableBackPressureTest {

  /** A port owner that always receives on pair 0 and records wake-ups. */
  private static final class Owner implements Port.Owner {
    final String name;
    final List<Integer> wakes = new ArrayList<>();
    boolean receiving = true;

    Owner(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int receivingPair(int peerPair) {
      return receiving ? 0 : -1;
    }

    @Override
    public void wake(int pair) {
      wakes.add(pair);
    }

    @Override
    public int maxPairs() {
      return 1;
    }

    @Override
    public int maxFrame() {
      return 1514;
    }
  }

  /** A worker of pair 0 that is never started: the wire only asks it for its pair. */
  private static QueuePairWorker worker(Port port) {
    return new QueuePairWorker("test-qp0", 0, port, null, null, null, null, false, VirtioNet.HDR_LEN, 1514, true);
  }

  private static Frame frame(int len) {
    Frame f = new Frame();
    f.add(ByteBuffer.allocateDirect(len), 0, len);
    return f;
  }

  @Test
  void aFullInboxSaysFullAndWakesTheSenderOnceDrained() {
    Owner sender = new Owner("s");
    Owner receiver = new Owner("r");
    Port s = new Port(sender);
    Port r = new Port(receiver);
    Cable c = new Cable(s, r);
    s.plug(c);
    r.plug(c);
    Frame f = frame(64);
    int taken = 0;
    Carry last;
    while ((last = c.transmit(s, worker(s), f)) == Carry.TAKEN) {
      taken++;
    }
    assertThat(last).isEqualTo(Carry.FULL);
    assertThat(taken).isEqualTo(256);
    assertThat(sender.wakes).isEmpty();

    // the receiving worker's drain: take frames out, then wake the waiting sender through the wire
    FrameQueue in = r.inbox(0);
    Frame slot = new Frame();
    assertThat(in.peek(slot)).isTrue();
    in.remove();
    assertThat(in.takeBlocked()).isTrue();
    r.wire().drained(r);
    assertThat(sender.wakes).containsExactly(0);
    assertThat(in.takeBlocked()).isFalse();
    assertThat(c.transmit(s, worker(s), f)).isEqualTo(Carry.TAKEN);
  }

  @Test
  void aPeerThatDoesNotReceiveOrHasItsLinkDownDrops() {
    Owner receiver = new Owner("r");
    Port s = new Port(new Owner("s"));
    Port r = new Port(receiver);
    Cable c = new Cable(s, r);
    s.plug(c);
    r.plug(c);
    receiver.receiving = false;
    assertThat(c.transmit(s, worker(s), frame(64))).isEqualTo(Carry.DROPPED);
    receiver.receiving = true;
    r.setLinkUp(false);
    assertThat(c.transmit(s, worker(s), frame(64))).isEqualTo(Carry.DROPPED);
    assertThat(new PendingCable("r").transmit(s, worker(s), frame(64))).isEqualTo(Carry.DROPPED);
  }
}
