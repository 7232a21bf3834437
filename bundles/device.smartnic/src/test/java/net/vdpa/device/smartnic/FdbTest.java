package net.vdpa.device.smartnic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The legacy switch's forwarding database: learning, moving, ageing, flushing, a full table. */
class FdbTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long A = 0x02_00_00_00_00_0aL;
  private static final long B = 0x02_00_00_00_00_0bL;
  private static final long C = 0x02_00_00_00_00_0cL;

  @Test
  void anAddressIsFoundOnThePortItWasLastSeenOn() {
    Fdb fdb = new Fdb(64, 300_000);
    assertThat(fdb.lookup(A, 0, NOW)).isEqualTo(-1);
    assertThat(fdb.learn(A, 0, 3, NOW)).isTrue();
    assertThat(fdb.lookup(A, 0, NOW + 1)).isEqualTo(3);
    assertThat(fdb.lookup(B, 0, NOW + 1)).isEqualTo(-1);
    // the same address in another VLAN is another entry
    assertThat(fdb.lookup(A, 10, NOW + 1)).isEqualTo(-1);
    fdb.learn(A, 0, 5, NOW + 2);
    assertThat(fdb.lookup(A, 0, NOW + 3)).as("the station moved").isEqualTo(5);
  }

  @Test
  void anAddressAgesOutUnlessSeenAgain() {
    Fdb fdb = new Fdb(64, 300_000);
    fdb.learn(A, 0, 1, NOW);
    fdb.learn(B, 0, 2, NOW);
    assertThat(fdb.lookup(A, 0, NOW + 300_000)).isEqualTo(1);
    // B seen again after two minutes: its age starts over
    fdb.learn(B, 0, 2, NOW + 120_000);
    assertThat(fdb.lookup(A, 0, NOW + 300_001)).isEqualTo(-1);
    assertThat(fdb.lookup(B, 0, NOW + 300_001)).isEqualTo(2);
    assertThat(fdb.entries(NOW + 300_001)).hasSize(1);
  }

  @Test
  void flushingAPortForgetsOnlyItsAddresses() {
    Fdb fdb = new Fdb(64, 300_000);
    fdb.learn(A, 0, 1, NOW);
    fdb.learn(B, 0, 2, NOW);
    fdb.flush(1);
    assertThat(fdb.lookup(A, 0, NOW)).isEqualTo(-1);
    assertThat(fdb.lookup(B, 0, NOW)).isEqualTo(2);
    fdb.learn(A, 0, 4, NOW);
    assertThat(fdb.lookup(A, 0, NOW)).isEqualTo(4);
  }

  @Test
  void aFullTableRefusesNewAddressesUntilOldOnesAge() {
    Fdb fdb = new Fdb(8, 1_000);
    for (int i = 0; i < 8; i++) {
      assertThat(fdb.learn(A + i, 0, i, NOW)).isTrue();
    }
    assertThat(fdb.learn(B + 100, 0, 1, NOW)).isFalse();
    assertThat(fdb.learn(B + 100, 0, 1, NOW + 1_001)).as("aged slots are reused").isTrue();
    assertThat(fdb.lookup(B + 100, 0, NOW + 1_002)).isEqualTo(1);
    for (int i = 0; i < 8; i++) {
      assertThat(fdb.lookup(A + i, 0, NOW + 1_002)).isEqualTo(-1);
    }
  }

  @Test
  void aStaticAddressNeitherAgesNorMoves() {
    Fdb fdb = new Fdb(64, 1_000);
    fdb.addStatic(A, 0, 2, NOW);
    assertThat(fdb.learn(A, 0, 5, NOW)).isTrue();
    assertThat(fdb.lookup(A, 0, NOW + 10_000_000)).isEqualTo(2);
    fdb.removeStatic(A, 0, 3);
    assertThat(fdb.lookup(A, 0, NOW)).as("removed only from its own port").isEqualTo(2);
    fdb.removeStatic(A, 0, 2);
    assertThat(fdb.lookup(A, 0, NOW)).isEqualTo(-1);
    fdb.learn(A, 0, 5, NOW);
    assertThat(fdb.lookup(A, 0, NOW)).isEqualTo(5);
  }

  @Test
  void aStaticAddressDoesNotTakeTheSlotOfALiveOne() {
    Fdb fdb = new Fdb(2, 1_000);
    fdb.learn(A, 0, 1, NOW);
    fdb.learn(B, 0, 2, NOW);
    assertThat(fdb.addStatic(C, 0, 3, NOW + 10)).as("full of live entries").isFalse();
    assertThat(fdb.lookup(A, 0, NOW + 10)).isEqualTo(1);
    assertThat(fdb.lookup(B, 0, NOW + 10)).isEqualTo(2);
  }

  @Test
  void theCapacityIsAPowerOfTwo() {
    assertThatThrownBy(() -> new Fdb(100, 1)).hasMessage("fdb capacity 100 is not a power of two");
  }
}
