package net.vdpa.driver.virtionet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TxAreaTest {
  @Test
  void smallFramesLieOnConsecutiveCacheLines() {
    TxArea a = new TxArea((int) TxArea.capacityFor(8, 1526), 8);
    assertThat(a.take(76)).isZero();
    assertThat(a.take(76)).isEqualTo(128);
    assertThat(a.take(12 + 1514)).isEqualTo(256);
    assertThat(a.take(64)).isEqualTo(256 + 1536);
    assertThat(a.inFlight()).isEqualTo(4);
  }

  @Test
  void theLargestQueueOfTheLargestFramesIsSizedWithoutOverflow() {
    assertThat(TxArea.capacityFor(32768, 12 + 65535 + 14)).isEqualTo(32768L * 65600);
  }

  @Test
  void spaceReturnsInOrderEvenWhenBlocksAreDoneOutOfOrder() {
    TxArea a = new TxArea(4 * 64, 4);
    a.take(64);
    int t0 = a.lastTicket();
    a.take(64);
    int t1 = a.lastTicket();
    a.take(128);
    assertThat(a.take(1)).isEqualTo(-1);
    a.giveBack(t1);
    assertThat(a.take(1)).as("the oldest block still holds its place").isEqualTo(-1);
    a.giveBack(t0);
    assertThat(a.inFlight()).isEqualTo(1);
    assertThat(a.take(128)).as("wraps to the start").isZero();
  }

  @Test
  void aBlockThatDoesNotFitBeforeTheEndWrapsAndTheSkippedBytesReturnWithIt() {
    TxArea a = new TxArea(5 * 64, 8);
    a.take(128);
    int t0 = a.lastTicket();
    a.take(128);
    int t1 = a.lastTicket();
    a.giveBack(t0);
    // 64 bytes are left at the end: a 128-byte block skips them and starts at 0
    assertThat(a.take(128)).isZero();
    int t2 = a.lastTicket();
    assertThat(a.take(64)).as("the skipped end counts as taken").isEqualTo(-1);
    a.giveBack(t1);
    a.giveBack(t2);
    assertThat(a.inFlight()).isZero();
    assertThat(a.take(5 * 64)).as("an empty area starts again at 0").isZero();
  }

  @Test
  void randomOrderOfCompletionNeverOverlapsTwoLiveBlocks() {
    Random r = new Random(7);
    int cap = (int) TxArea.capacityFor(16, 300);
    TxArea a = new TxArea(cap, 16);
    List<int[]> live = new ArrayList<>();
    for (int step = 0; step < 200_000; step++) {
      if (r.nextInt(3) > 0) {
        int bytes = 1 + r.nextInt(300);
        int at = a.take(bytes);
        if (at >= 0) {
          assertThat(at % TxArea.ALIGN).isZero();
          assertThat(at + bytes).isLessThanOrEqualTo(cap);
          for (int[] b : live) {
            assertThat(at + bytes <= b[0] || b[0] + b[1] <= at).as("overlap at step " + step).isTrue();
          }
          live.add(new int[] {at, bytes, a.lastTicket()});
        } else {
          assertThat(live).as("refused with nothing live").isNotEmpty();
        }
      } else if (!live.isEmpty()) {
        Collections.shuffle(live, r);
        a.giveBack(live.remove(live.size() - 1)[2]);
      }
    }
  }
}
