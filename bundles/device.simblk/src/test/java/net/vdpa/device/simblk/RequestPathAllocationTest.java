package net.vdpa.device.simblk;

import static net.vdpa.api.blk.VirtioBlk.S_OK;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.vdpa.api.DevConfig;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.log.EventLog;
import net.vdpa.testkit.ThreadAllocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A request queue's worker allocates nothing per request once warm, on memory and on a file. */
class RequestPathAllocationTest {
  private final SimBlkManager m = new SimBlkManager((d, p) -> () -> { }, EventLog.NONE);
  @TempDir
  Path tmp;

  @AfterEach
  void close() {
    m.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "file"})
  void theWorkerAllocatesNothingPerRequest(String backing) {
    Assumptions.assumeTrue(ThreadAllocation.available(), "no per-thread allocation counter in this JVM");
    String file = backing.equals("file") ? tmp.resolve("alloc.img").toString() : null;
    SimBlkDevice dev = (SimBlkDevice) m.devAdd(new DevConfig("alloc" + backing, null, null, null, null, 16L << 20,
        file, null));
    BlkDriver d = new BlkDriver(dev, dev.spec().features() & ~(1L << 34));
    for (int i = 0; i < 3000; i++) {
      request(d, i);
    }
    Thread worker = ThreadAllocation.named(SimBlkDevice.THREAD_PREFIX + dev.name() + "-rq0");
    long before = ThreadAllocation.allocated(worker);
    int requests = 5000;
    for (int i = 0; i < requests; i++) {
      request(d, i);
    }
    assertThat((ThreadAllocation.allocated(worker) - before) / requests).as("bytes the worker allocated per request").isZero();
  }

  /** A 4 KiB write, read or flush, by turns. */
  private static void request(BlkDriver d, int i) {
    long sector = (i * 8L * 97) % ((16L << 20) / 512 - 8);
    int[] r = switch (i % 3) {
      case 0 -> d.request(VirtioBlk.T_OUT, sector, 4096, false);
      case 1 -> d.request(VirtioBlk.T_IN, sector, 4096, true);
      default -> d.request(VirtioBlk.T_FLUSH, 0, 0, false);
    };
    assertThat(r[0]).isEqualTo(S_OK);
  }
}
