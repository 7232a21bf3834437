package net.vdpa.pmd.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.vdpa.api.net.VirtioNet;
import org.junit.jupiter.api.Test;

/**
 * The mbuf pool keeps device-written and application-written mbufs apart, so that a received
 * mbuf's lines (in the device thread's cache) are never the next frame the application copies into.
 */
class PacketMemoryTest {
  private final PacketMemory mem = new PacketMemory(8, 6, 1L << VirtioNet.F_VERSION_1);

  @Test
  void aFreedReceiveMbufGoesBackToTheReceiveRingNotToTheApplication() {
    SlotMbuf received = mem.takeForDevice(-1);
    mem.put(received);
    SlotMbuf forApp = mem.takeForApp();
    assertThat(forApp).isNotSameAs(received);
    assertThat(mem.takeForDevice(-1)).isSameAs(received);
  }

  @Test
  void aReceivedMbufGoesBackToTheDeviceFirst() {
    SlotMbuf received = mem.takeForDevice(-1);
    mem.put(received);
    SlotMbuf sent = mem.takeForApp();
    mem.put(sent);
    assertThat(mem.takeForDevice(-1)).isSameAs(received);
  }

  @Test
  void aReceiveSlotGetsTheMbufItAskedForFromAnywhereInTheDeviceStack() {
    SlotMbuf[] received = new SlotMbuf[4];
    for (int i = 0; i < 4; i++) {
      received[i] = mem.takeForDevice(-1);
    }
    for (SlotMbuf m : received) {
      mem.put(m);
    }
    assertThat(mem.takeForDevice(received[1].index)).as("from the middle").isSameAs(received[1]);
    SlotMbuf other = mem.takeForDevice(received[1].index);
    assertThat(other).as("taken already: another the device wrote").isIn(received[0], received[2], received[3]);
    SlotMbuf sent = mem.takeForApp();
    mem.put(sent);
    SlotMbuf third = mem.takeForDevice(sent.index);
    assertThat(third).as("written by the application: not taken out of its queue").isIn(received[0], received[2], received[3])
        .isNotSameAs(other);
    assertThat(mem.takeForDevice(received[0].index)).isIn(received[0], received[2], received[3])
        .isNotIn(other, third);
    assertThat(mem.takeForDevice(-1)).as("the device stack is empty: the application's oldest, never used")
        .isNotNull().isNotSameAs(sent).isNotIn((Object[]) received);
    assertThat(mem.freeCount()).isEqualTo(1);
  }

  @Test
  void theApplicationGetsMbufsInTheOrderTheyWereFreedSoThatItsFramesFormAStream() {
    SlotMbuf[] all = new SlotMbuf[6];
    for (int i = 0; i < 6; i++) {
      all[i] = mem.takeForApp();
      assertThat(all[i].index).as("fresh mbufs in address order").isEqualTo(i);
    }
    mem.put(all[3]);
    mem.put(all[1]);
    mem.put(all[4]);
    assertThat(mem.takeForApp()).isSameAs(all[3]);
    mem.put(all[0]);
    assertThat(mem.takeForApp()).isSameAs(all[1]);
    assertThat(mem.takeForApp()).isSameAs(all[4]);
    assertThat(mem.takeForApp()).isSameAs(all[0]);
    assertThat(mem.takeForApp()).isNull();
  }

  @Test
  void eachSideFallsBackToTheOtherStackWhenItsOwnIsEmpty() {
    SlotMbuf[] all = new SlotMbuf[6];
    for (int i = 0; i < 6; i++) {
      all[i] = mem.takeForDevice(-1); // every mbuf starts on the application's stack
    }
    assertThat(all).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(mem.takeForDevice(-1)).isNull();
    assertThat(mem.takeForApp()).isNull();
    mem.put(all[0]);
    assertThat(mem.freeCount()).isEqualTo(1);
    assertThat(mem.takeForApp()).isSameAs(all[0]);
  }

  @Test
  void anMbufFreedTwiceIsRefused() {
    SlotMbuf m = mem.takeForApp();
    mem.put(m);
    assertThatThrownBy(() -> mem.put(m)).hasMessage("mbuf " + m.index + " is already free");
  }

  @Test
  void everyFrameStartsOnACacheLineWithItsHeaderRightBeforeIt() {
    for (int i = 0; i < 6; i++) {
      SlotMbuf m = mem.takeForApp();
      long frameIova = m.iova + PacketMemory.HDR;
      assertThat(frameIova % 64).as("frame IOVA of mbuf %d", m.index).isZero();
      assertThat((m.offset + PacketMemory.HDR) % 64).as("frame offset of mbuf %d", m.index).isZero();
      assertThat(m.capacity()).isGreaterThanOrEqualTo(1514);
    }
  }

  @Test
  void aHeaderTheDeviceWroteIsZeroedBeforeTransmit() {
    SlotMbuf m = mem.takeForApp();
    mem.buffer.putLong(m.offset, 0x0001_0000_0000_0001L).putInt(m.offset + 8, 1);
    mem.clearHeader(m);
    assertThat(mem.buffer.getLong(m.offset)).isZero();
    assertThat(mem.buffer.getInt(m.offset + 8)).isZero();
    mem.clearHeader(m);
    assertThat(mem.buffer.getLong(m.offset)).isZero();
  }
}
