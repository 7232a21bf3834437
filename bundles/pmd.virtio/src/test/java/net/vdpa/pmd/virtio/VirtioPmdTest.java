package net.vdpa.pmd.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;
import net.vdpa.api.pmd.Mbuf;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.testkit.passthrough.PassthroughFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The poll-mode driver over the real passthrough driver and a simulated NIC on a loopback wire. */
class VirtioPmdTest {
  static final int BURST = 32;
  static final int WINDOW = VirtioPmdPort.QUEUE_SIZE / 2;
  final VdpaDevice nic = SimNetFixture.create("pmd0");
  PassthroughFixture driver = new PassthroughFixture(500, 64);
  VirtioPmd pmd = new VirtioPmd(driver.vfio());

  @AfterEach
  void tearDown() {
    pmd.deactivate();
    driver.remove(nic);
    nic.reset();
  }

  /** Sends {@code n} frames of {@code size} bytes, numbered, and receives them; returns frames checked. */
  static long roundTrip(PmdPort port, int n, int size, Mbuf[] tx, Mbuf[] rx) {
    long checked = 0;
    int sent = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (checked < n) {
      // at most half the receive ring in flight: the device drops what finds no receive buffer
      if (sent < n && sent - checked < WINDOW) {
        int want = (int) Math.min(BURST, Math.min(n - sent, WINDOW - (sent - checked)));
        int got = 0;
        while (got < want) {
          Mbuf m = port.alloc();
          if (m == null) {
            break;
          }
          fill(m, sent + got, size);
          tx[got++] = m;
        }
        int took = port.txBurst(tx, got);
        for (int k = took; k < got; k++) {
          port.free(tx[k]);
        }
        sent += took;
      }
      int r = port.rxBurst(rx, BURST);
      for (int k = 0; k < r; k++) {
        if (!matches(rx[k], checked, size)) {
          throw new AssertionError("frame " + checked + " arrived changed");
        }
        checked++;
        port.free(rx[k]);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + checked + " of " + n + " frames came back");
      }
    }
    return checked;
  }

  static void fill(Mbuf m, long seq, int size) {
    var d = m.data();
    for (int i = 0; i < 12; i++) {
      d.put(i, (byte) 0xFF); // broadcast destination and a fixed source: the simulated wire takes any
    }
    d.putShort(12, (short) 0x88b5);
    d.putLong(14, seq);
    for (int i = 22; i < size; i++) {
      d.put(i, (byte) (seq + i));
    }
    m.length(size);
  }

  static boolean matches(Mbuf m, long seq, int size) {
    var d = m.data();
    if (m.length() != size || d.getLong(14) != seq) {
      return false;
    }
    for (int i = 22; i < size; i++) {
      if (d.get(i) != (byte) (seq + i)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void framesGoOutAndComeBackUnchanged() {
    driver.probe(nic);
    PmdPort port = pmd.start("pmd0", "test");
    Mbuf[] tx = new Mbuf[BURST];
    Mbuf[] rx = new Mbuf[BURST];
    assertThat(roundTrip(port, 2_000, 64, tx, rx)).isEqualTo(2_000);
    assertThat(roundTrip(port, 2_000, 1514, tx, rx)).isEqualTo(2_000);
    assertThat(port.stats().rxPackets()).isEqualTo(4_000);
    assertThat(port.stats().txPackets()).isEqualTo(4_000);
    assertThat(driver.vfio().containers()).hasSize(1);
    assertThat(driver.vfio().containers().get(0).mappings()).hasSize(1);
    assertThat(driver.vfio().faults()).isEmpty();
  }

  @Test
  void ringIndicesAreTouchedInBatchesAsDpdkDoes() {
    driver.probe(nic);
    VirtioPmdPort port = (VirtioPmdPort) pmd.start("pmd0", "test");
    Mbuf[] tx = new Mbuf[BURST];
    Mbuf[] rx = new Mbuf[BURST];
    int size = VirtioPmdPort.QUEUE_SIZE;
    assertThat(port.rxPosted()).as("posted at start").isEqualTo(size);
    roundTrip(port, 10, 64, tx, rx);
    assertThat(port.rxPosted()).as("10 received: fewer than rx_free_thresh, not refilled yet").isEqualTo(size - 10);
    assertThat(port.txInRing()).as("10 sent: plenty free, not reclaimed yet").isEqualTo(10);
    roundTrip(port, VirtioPmdPort.RX_FREE_THRESH - 10, 64, tx, rx);
    assertThat(port.rxPosted()).as("rx_free_thresh received: refilled at the next burst's start").isEqualTo(size - VirtioPmdPort.RX_FREE_THRESH);
    assertThat(port.rxBurst(rx, BURST)).isZero();
    assertThat(port.rxPosted()).as("rx_free_thresh free at a burst's start: refilled").isEqualTo(size);
    // send until fewer than tx_free_thresh descriptors are free: the next burst reclaims them
    roundTrip(port, size - VirtioPmdPort.TX_FREE_THRESH - VirtioPmdPort.RX_FREE_THRESH + 1, 64, tx, rx);
    assertThat(port.txInRing()).as("none reclaimed while tx_free_thresh were free").isEqualTo(size - VirtioPmdPort.TX_FREE_THRESH + 1);
    roundTrip(port, 1, 64, tx, rx);
    assertThat(port.txInRing()).as("reclaimed, then one more sent").isEqualTo(1);
    assertThat(port.rxPosted()).isGreaterThan(size - VirtioPmdPort.RX_REFILL_LATE);
  }

  @Test
  void eachReceiveSlotKeepsItsMbufWhateverOrderTheApplicationFreesIn() {
    driver.probe(nic);
    VirtioPmdPort port = (VirtioPmdPort) pmd.start("pmd0", "test");
    Mbuf[] tx = new Mbuf[BURST];
    Mbuf[] rx = new Mbuf[BURST];
    int size = VirtioPmdPort.QUEUE_SIZE;
    int[] before = new int[size];
    long seq = 0;
    for (int lap = 0; lap < 6; lap++) {
      for (int id = 0; id < size; id++) {
        if (lap == 2) {
          // two laps of the receive ring: every slot has carried an mbuf the application then freed
          before[id] = port.rxMbufOf(id);
        } else if (lap > 2) {
          assertThat(port.rxMbufOf(id)).as("receive chain id %d's mbuf, lap %d", id, lap).isEqualTo(before[id]);
        }
      }
      for (int b = 0; b < size / BURST; b++) {
        for (int k = 0; k < BURST; k++) {
          tx[k] = port.alloc();
          fill(tx[k], seq++, 64);
        }
        assertThat(port.txBurst(tx, BURST)).isEqualTo(BURST);
        Mbuf[] back = new Mbuf[BURST];
        int got = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (got < BURST) {
          int r = port.rxBurst(rx, BURST - got);
          System.arraycopy(rx, 0, back, got, r);
          got += r;
          assertThat(System.nanoTime()).as("frames back in time").isLessThan(deadline);
        }
        for (int k = BURST - 1; k >= 0; k--) {
          port.free(back[k]); // last to first: not the order the port would hand them out again
        }
      }
    }
    assertThat(port.stats().rxPackets()).isEqualTo(6L * size);
  }

  @Test
  void theBurstPathAllocatesNothing() {
    driver.probe(nic);
    PmdPort port = pmd.start("pmd0", "test");
    Mbuf[] tx = new Mbuf[BURST];
    Mbuf[] rx = new Mbuf[BURST];
    roundTrip(port, 20_000, 64, tx, rx); // warm up: compiled, caches filled
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    long after = mx.getThreadAllocatedBytes(tid);
    long probe = after - before; // what asking costs
    before = mx.getThreadAllocatedBytes(tid);
    roundTrip(port, 20_000, 64, tx, rx);
    after = mx.getThreadAllocatedBytes(tid);
    assertThat(after - before - probe).as("bytes allocated by 20000 frames out and back").isLessThanOrEqualTo(0);
  }

  @Test
  void aSecondPortOnTheSameDeviceIsRefusedNamingTheOwner() {
    driver.probe(nic);
    pmd.start("pmd0", "first");
    VfioException e = catchThrowableOfType(VfioException.class, () -> pmd.start("pmd0", "second"));
    assertThat(e.error()).isEqualTo(VfioError.BUSY);
    assertThat(e.getMessage()).isEqualTo("device pmd0 is already open by first");
  }

  @Test
  void aPollingPortLetsGoWhenAskedWellWithinTheGracePeriod() throws Exception {
    driver = new PassthroughFixture(10_000, 64);
    pmd = new VirtioPmd(driver.vfio());
    driver.probe(nic);
    PmdPort port = pmd.start("pmd0", "poller");
    Mbuf[] rx = new Mbuf[BURST];
    CompletableFuture<Void> poller = CompletableFuture.runAsync(() -> {
      while (port.state() == PmdPort.State.RUNNING) {
        int n = port.rxBurst(rx, BURST);
        for (int k = 0; k < n; k++) {
          port.free(rx[k]);
        }
        Thread.onSpinWait();
      }
    });
    long t0 = System.nanoTime();
    driver.remove(nic);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
    poller.get(10, TimeUnit.SECONDS);
    assertThat(port.state()).isEqualTo(PmdPort.State.CLOSED);
    assertThat(pmd.ports()).isEmpty();
    assertThat(nic.status()).isZero();
  }

  @Test
  void anIdlePortIsRevokedAfterTheGracePeriod() {
    driver.probe(nic);
    PmdPort port = pmd.start("pmd0", "idle");
    driver.remove(nic);
    assertThat(port.state()).isEqualTo(PmdPort.State.REVOKED);
    assertThat(port.rxBurst(new Mbuf[1], 1)).isZero();
    assertThat(driver.vfio().containers()).isEmpty();
    assertThat(pmd.ports()).isEmpty();
  }

  @Test
  void aDeviceNotBoundToVfioVdpaIsRefused() {
    IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> pmd.start("pmd0", "x"));
    assertThat(e.getMessage()).isEqualTo("device pmd0 is not bound to vfio_vdpa");
  }
}
