package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.packed.PackedQueueState;
import net.vdpa.ring.split.SplitLayout;
import net.vdpa.ring.split.SplitQueueState;
import org.junit.jupiter.api.Test;

class RingIndexAndStateTest {
  @Test
  void indicesWrapAt65536() {
    assertThat(RingIndex.add(65535, 1)).isZero();
    assertThat(RingIndex.add(0, -1)).isEqualTo(65535);
    assertThat(RingIndex.distance(2, 65534)).isEqualTo(4);
  }

  @Test
  void eventIndexRuleMatchesTheSpec() {
    assertThat(RingIndex.needEvent(5, 7, 3)).isTrue();
    assertThat(RingIndex.needEvent(3, 7, 3)).isTrue();
    assertThat(RingIndex.needEvent(7, 7, 3)).isFalse();
    assertThat(RingIndex.needEvent(2, 7, 3)).isFalse();
    assertThat(RingIndex.needEvent(65535, 1, 65534)).isTrue();
  }

  @Test
  void packedEventRuleFollowsWrapCounters() {
    int n = 10;
    int old = PackedLayout.seq(8, true, n);
    int now = PackedLayout.seq(2, false, n);
    assertThat(PackedLayout.needEvent(9 | 1 << 15, now, old, n)).isTrue();
    assertThat(PackedLayout.needEvent(1, now, old, n)).isTrue();
    assertThat(PackedLayout.needEvent(2, now, old, n)).isFalse();
    assertThat(PackedLayout.needEvent(7 | 1 << 15, now, old, n)).isFalse();
  }

  @Test
  void splitLayoutSizes() {
    assertThat(SplitLayout.availSize(256)).isEqualTo(518);
    assertThat(SplitLayout.usedSize(256)).isEqualTo(2054);
    assertThat(SplitLayout.usedEventOffset(256)).isEqualTo(516);
    assertThat(SplitLayout.availEventOffset(256)).isEqualTo(2052);
    assertThatThrownBy(() -> SplitLayout.checkSize(12)).hasMessageContaining("size 12");
    assertThatThrownBy(() -> new QueueConfig(0, 0, 0, 0, 0)).hasMessageContaining("size 0");
  }

  @Test
  void splitStateIsValidatedAgainstRangeAndQueueSize() {
    assertThatThrownBy(() -> new SplitQueueState(65536, 0)).hasMessageContaining("65536");
    assertThatThrownBy(() -> new SplitQueueState(0, -1)).hasMessageContaining("-1");
    new SplitQueueState(2, 65534).validate(4);
    assertThatThrownBy(() -> new SplitQueueState(3, 65534).validate(4))
        .hasMessage("last avail idx 3 is 5 ahead of last used idx 65534, more than queue size 4");
  }

  @Test
  void packedStateIsValidatedAgainstRangeAndQueueSize() {
    assertThatThrownBy(() -> new PackedQueueState(32768, true, 0, true)).hasMessageContaining("32768");
    assertThatThrownBy(() -> new PackedQueueState(10, true, 0, true).validate(10))
        .hasMessageContaining("last avail idx 10 is not below queue size 10");
    new PackedQueueState(3, false, 5, true).validate(10);
    assertThatThrownBy(() -> new PackedQueueState(6, false, 5, true).validate(10))
        .hasMessageContaining("11 descriptors ahead");
    assertThat(new PackedQueueState(3, true, 5, false).encodedAvail()).isEqualTo(3 | 1 << 15);
    assertThat(new PackedQueueState(3, true, 5, false).encodedUsed()).isEqualTo(5);
  }
}
