package net.vdpa.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.packed.PackedDriver;
import net.vdpa.ring.split.SplitDevice;
import net.vdpa.ring.split.SplitDriver;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rings laid out by this library in a shared file, read by a C program compiled against
 * {@code linux/virtio_ring.h}: an independent reader of the layout. Skipped, with one message, where
 * gcc or the kernel header is missing.
 */
class VirtioRingInteropTest {
  static final Path HEADER = Path.of("/usr/include/linux/virtio_ring.h");
  static final long BASE = 0x4000_0000L;
  static final int FILE_SIZE = 64 * 1024;

  @TempDir static Path dir;
  static Path dumper;

  @BeforeAll
  static void compile() throws Exception {
    boolean gcc = run(List.of("gcc", "--version")) != null;
    Assumptions.assumeTrue(gcc && Files.isReadable(HEADER),
        "C interop test skipped: needs gcc and " + HEADER + " (install gcc and linux-libc-dev)");
    Path src = dir.resolve("ring_dump.c");
    try (InputStream in = VirtioRingInteropTest.class.getResourceAsStream("/interop/ring_dump.c")) {
      Files.write(src, in.readAllBytes());
    }
    dumper = dir.resolve("ring_dump");
    String out = run(List.of("gcc", "-O2", "-Wall", "-Werror", "-o", dumper.toString(), src.toString()));
    assertThat(out).as("gcc output").isNotNull();
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return null;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(cmd + " failed: " + out);
    }
    return out;
  }

  private static Iotlb map(MemoryRegion r) {
    Iotlb t = new Iotlb();
    t.map(BASE, r.size(), r, 0, Permission.READ_WRITE);
    return t;
  }

  @Test
  void splitRingIsReadByLinuxVirtioRingHeader() throws Exception {
    Path file = dir.resolve("split.ring");
    Files.write(file, new byte[FILE_SIZE]);
    MemoryRegion mem = MemoryRegion.map(file, 0, FILE_SIZE, true);
    int n = 8;
    // vring_init's legacy layout with align 4096: desc at 0, avail after it, used on the next page
    long desc = BASE;
    long avail = BASE + 16 * n;
    long used = BASE + 4096;
    long features = VirtioRingFeatures.mask(VirtioRingFeatures.INDIRECT_DESC)
        | VirtioRingFeatures.mask(VirtioRingFeatures.EVENT_IDX);
    QueueConfig config = new QueueConfig(n, desc, avail, used, features);
    SplitDriver drv = new SplitDriver(config, map(mem));
    SplitDevice dev = new SplitDevice(config, map(mem));
    long a = BASE + 0x2000;
    long b = BASE + 0x2100;
    long c = BASE + 0x2200;
    long table = BASE + 0x3000;

    int chain = drv.add(new long[] {a, b}, new int[] {10, 20}, 1, 1);
    int single = drv.add(c, 64, true);
    int indirect = drv.addIndirect(table, new long[] {a, c}, new int[] {5, 6}, 1, 1);
    drv.publish();
    DescriptorChain ch = new DescriptorChain();
    assertThat(dev.pop(ch)).isTrue();
    assertThat(dev.enableNotifications()).as("two chains still available").isTrue();
    dev.push(ch.id(), 7);
    dev.publish();
    drv.enableInterrupts();

    String out = run(List.of(dumper.toString(), "split", file.toString(), String.valueOf(n), String.valueOf(BASE)));
    List<String> expected = new ArrayList<>();
    expected.add("vring_size 4166");
    expected.add("avail flags=0 idx=3 used_event=0");
    expected.add("avail ring[0]=" + chain);
    expected.add("desc " + chain + " addr=0x" + Long.toHexString(a) + " len=10 flags=1 next=" + (chain + 1));
    expected.add("desc " + (chain + 1) + " addr=0x" + Long.toHexString(b) + " len=20 flags=2");
    expected.add("avail ring[1]=" + single);
    expected.add("desc " + single + " addr=0x" + Long.toHexString(c) + " len=64 flags=2");
    expected.add("avail ring[2]=" + indirect);
    expected.add("desc " + indirect + " addr=0x" + Long.toHexString(table) + " len=32 flags=4");
    expected.add(" table 0 addr=0x" + Long.toHexString(a) + " len=5 flags=1 next=1");
    expected.add(" table 1 addr=0x" + Long.toHexString(c) + " len=6 flags=2");
    expected.add("used flags=0 idx=1 avail_event=1");
    expected.add("used ring[0] id=" + chain + " len=7");
    expected.add("need_event(5,7,3)=" + b2i(RingIndex.needEvent(5, 7, 3))
        + " need_event(65535,1,65534)=" + b2i(RingIndex.needEvent(65535, 1, 65534))
        + " need_event(9,7,3)=" + b2i(RingIndex.needEvent(9, 7, 3)));
    assertThat(out.lines()).containsExactlyElementsOf(expected);
    assertThat(out).contains("need_event(5,7,3)=1 need_event(65535,1,65534)=1 need_event(9,7,3)=0");
  }

  private static int b2i(boolean b) {
    return b ? 1 : 0;
  }

  @Test
  void packedRingIsReadByLinuxVirtioRingHeader() throws Exception {
    Path file = dir.resolve("packed.ring");
    Files.write(file, new byte[FILE_SIZE]);
    MemoryRegion mem = MemoryRegion.map(file, 0, FILE_SIZE, true);
    int n = 4;
    long features = VirtioRingFeatures.mask(VirtioRingFeatures.RING_PACKED)
        | VirtioRingFeatures.mask(VirtioRingFeatures.EVENT_IDX);
    QueueConfig config = new QueueConfig(n, BASE, BASE + 0x1000, BASE + 0x1004, features);
    PackedDriver drv = new PackedDriver(config, map(mem));
    PackedDevice dev = new PackedDevice(config, map(mem));
    long a = BASE + 0x2000;
    long b = BASE + 0x2100;
    int first = drv.add(new long[] {a, b}, new int[] {10, 20}, 1, 1);
    int second = drv.add(b, 30, true);
    drv.publish();
    DescriptorChain ch = new DescriptorChain();
    assertThat(dev.pop(ch)).isTrue();
    assertThat(ch.id()).isEqualTo(first);
    dev.push(first, 9);
    dev.publish();
    dev.enableNotifications();
    drv.disableInterrupts();

    String out = run(List.of(dumper.toString(), "packed", file.toString(), String.valueOf(n), "0", "4096", "4100", "3"));
    assertThat(out.lines()).containsExactly(
        "desc 0 addr=0x" + Long.toHexString(a) + " len=9 id=" + first + " avail=1 used=1 flags=2",
        "desc 1 addr=0x" + Long.toHexString(b) + " len=20 id=" + first + " avail=1 used=0 flags=2",
        "desc 2 addr=0x" + Long.toHexString(b) + " len=30 id=" + second + " avail=1 used=0 flags=2",
        "driver event off_wrap=0x0 flags=1",
        "device event off_wrap=0x8002 flags=2");
  }
}
