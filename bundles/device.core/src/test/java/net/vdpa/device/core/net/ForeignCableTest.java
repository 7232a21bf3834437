package net.vdpa.device.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.port.Delivery;
import net.vdpa.api.port.PortEnd;
import org.junit.jupiter.api.Test;

/** The sending half of a cable to another provider: the copy with its tag, and who hears the unplug. */
class ForeignCableTest {
  private final List<byte[]> got = new ArrayList<>();
  private int unplugs;
  private int roomCalls;
  /** What the far end answers an offer with while it takes nothing. */
  private Delivery refusing;
  private final PortEnd far = new PortEnd() {
    @Override
    public String port() {
      return "far0";
    }

    @Override
    public Delivery offer(ByteBuffer frame) {
      return refusing != null ? refusing : PortEnd.super.offer(frame);
    }

    @Override
    public void roomMade() {
      roomCalls++;
    }

    @Override
    public boolean receive(ByteBuffer frame) {
      byte[] b = new byte[frame.remaining()];
      frame.get(b);
      got.add(b);
      return true;
    }

    @Override
    public void unplugged() {
      unplugs++;
    }
  };

  private static Frame frame(byte[] bytes) {
    Frame f = new Frame();
    f.add(ByteBuffer.wrap(bytes), 0, bytes.length);
    return f;
  }

  private static byte[] ethernet(int len) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (i + 1);
    }
    b[12] = 0x08;
    b[13] = 0x00;
    return b;
  }

  @Test
  void aFrameCrossesAsItIsOrWithItsTagPushed() {
    ForeignCable c = new ForeignCable(far, 1518);
    byte[] plain = ethernet(60);
    assertThat(c.send(frame(plain), FrameQueue.KEEP_TAG)).isEqualTo(Delivery.TAKEN);
    assertThat(got.get(0)).isEqualTo(plain);
    assertThat(c.send(frame(plain), 0x10000 | 42)).isEqualTo(Delivery.TAKEN);
    byte[] tagged = got.get(1);
    assertThat(tagged).hasSize(64);
    assertThat(tagged[12]).isEqualTo((byte) 0x81);
    assertThat(tagged[15]).isEqualTo((byte) 42);
    assertThat(java.util.Arrays.copyOfRange(tagged, 16, 64)).isEqualTo(java.util.Arrays.copyOfRange(plain, 12, 60));
    assertThat(c.peer()).isEqualTo("far0");
  }

  @Test
  void aFullFarPortIsToldToTheSenderAndItsRoomMadeCrossesBackUntilUnplugged() {
    ForeignCable c = new ForeignCable(far, 1518);
    refusing = Delivery.FULL;
    assertThat(c.send(frame(ethernet(60)), FrameQueue.KEEP_TAG)).isEqualTo(Delivery.FULL);
    assertThat(got).isEmpty();
    c.roomMade();
    assertThat(roomCalls).isEqualTo(1);
    refusing = null;
    assertThat(c.send(frame(ethernet(60)), FrameQueue.KEEP_TAG)).isEqualTo(Delivery.TAKEN);
    c.close();
    c.roomMade();
    assertThat(roomCalls).isEqualTo(1);
  }

  @Test
  void aFrameLongerThanTheCableCarriesIsRefused() {
    ForeignCable c = new ForeignCable(far, 100);
    assertThat(c.send(frame(ethernet(200)), FrameQueue.KEEP_TAG)).isEqualTo(Delivery.DROPPED);
    assertThat(got).isEmpty();
  }

  @Test
  void theFarEndHearsOfTheUnplugOnceAndNothingAfter() {
    ForeignCable c = new ForeignCable(far, 1518);
    c.close();
    c.close();
    assertThat(unplugs).isEqualTo(1);
    assertThat(c.send(frame(ethernet(60)), FrameQueue.KEEP_TAG)).isEqualTo(Delivery.DROPPED);
    assertThat(got).isEmpty();
  }

  @Test
  void aCableTheFarEndUnpluggedDoesNotCallItBack() {
    ForeignCable c = new ForeignCable(far, 1518);
    assertThat(c.release()).isTrue();
    assertThat(c.release()).isFalse();
    c.close();
    assertThat(unplugs).isZero();
    assertThat(c.open()).isFalse();
  }

  @Test
  void aWrappedBufferIsTheFrameBetweenPositionAndLimit() {
    byte[] b = ethernet(80);
    ByteBuffer buf = ByteBuffer.wrap(b).position(10).limit(70);
    Frame f = new FrameWrap().wrap(buf);
    assertThat(f.length()).isEqualTo(60);
    ByteBuffer out = ByteBuffer.allocate(60);
    f.read(out, 0, 60);
    assertThat(out.array()).isEqualTo(java.util.Arrays.copyOfRange(b, 10, 70));
  }
}
