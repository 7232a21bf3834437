package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A write acknowledged after a FLUSH survives {@code kill -9} of the runtime: the runtime jar writes
 * a block device backed by a file through {@code blk:io}, flushes with {@code blk:flush}, is killed
 * while it still runs a load, and the file holds every byte; a restarted runtime brings the kept
 * device back on the same file (the lock died with the process).
 */
public class DataSafetyIT {
  private static final int CAPACITY = 4 << 20;

  @Rule
  public TemporaryFolder dir = new TemporaryFolder();

  /** What {@code blk:io rw write bs 4096 qd 1} writes to every block: byte {@code j} is {@code j}. */
  private static ByteBuffer pattern() {
    ByteBuffer b = ByteBuffer.allocate(CAPACITY);
    for (int i = 0; i < CAPACITY; i++) {
      b.put(i, (byte) (i % 4096));
    }
    return b;
  }

  @Test
  public void aFlushedWriteSurvivesKillMinus9() throws Exception {
    RuntimeProcess rt = new RuntimeProcess(dir.getRoot().toPath());
    Path img = dir.getRoot().toPath().resolve("blk0.img");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Process p = rt.start(List.of(
        "vdpa:dev add name blk0 mgmtdev vdpasim_blk capacity 4M file " + img,
        "blk:io rw write bs 4096 qd 1 runtime 1 vda",
        "blk:flush vda",
        "blk:io rw randread bs 4096 qd 1 runtime 300 vda"), lines);
    List<String> seen = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      String l;
      do {
        l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertNotEquals("the runtime printed 'vda: flushed' within 120 s: " + seen + "\n" + err(rt), null, l);
        assertNotEquals("the runtime ended before flushing: " + seen + "\n" + err(rt), RuntimeProcess.EOF, l);
        seen.add(l);
      } while (!l.equals("vda: flushed"));
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no bundle stop, nothing closed
    }
    assertTrue("the runtime was killed", p.waitFor(30, TimeUnit.SECONDS));
    assertFalse("dev add prints nothing: " + seen, seen.stream().anyMatch(s -> s.startsWith("blk0:")));
    assertTrue(seen.toString(), seen.stream().anyMatch(s -> s.startsWith("vda: write bs 4096 qd 1 in ") && s.endsWith(" errors 0")));
    assertEquals("the whole disk, written and flushed before the kill", pattern(), ByteBuffer.wrap(Files.readAllBytes(img)));

    RuntimeProcess.Run again = rt.run("vdpa:dev show blk0", "blk:show", "vdpa:dev del blk0");
    assertEquals(again.all(), 0, again.status());
    assertTrue(again.all(), again.out().contains("blk0: type block mgmtdev vdpasim_blk vendor_id 0 max_vqs 1 max_vq_size 256"));
    assertTrue(again.all(), again.out().contains("vda: device blk0 size " + CAPACITY + " block_size 512 queues 1"));
    assertTrue(again.all(), again.out().contains("blk0: deleted"));
    assertEquals("deleting the device leaves its file", pattern(), ByteBuffer.wrap(Files.readAllBytes(img)));
  }

  private static String err(RuntimeProcess rt) throws java.io.IOException {
    Path e = rt.dir().resolve("err.txt");
    return Files.exists(e) ? Files.readString(e) : "";
  }
}
