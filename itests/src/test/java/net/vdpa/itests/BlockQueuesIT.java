package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockStats;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

/**
 * A block device with several request queues, made as a user makes it ({@code vdpa dev add ...
 * num_queues 4} typed in the shell): the driver drives every queue, each queue carries its own
 * requests and counts them (in {@code BlockDevice} and in the device), {@code blk:io queues 4}
 * loads them all, bad values are refused in one line, and the queues come back when the kept device
 * is made again (its bundles restarted).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BlockQueuesIT extends BusTestSupport {
  private CommandSession session;

  @Override
  protected Option[] extraOptions() {
    return new Option[] {mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject(),
        reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"), reactorBundle("vdpa.bundle.simblk"),
        reactorBundle("vdpa.bundle.virtioblk"), reactorBundle("vdpa.bundle.config"), reactorBundle("vdpa.bundle.shell"),
        mavenBundle("jakarta.json", "jakarta.json-api").versionAsInProject(),
        mavenBundle("org.eclipse.parsson", "parsson").versionAsInProject()};
  }

  @Before
  public void openSession() throws Exception {
    CommandProcessor processor = service(CommandProcessor.class);
    session = processor.createSession(new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    await("the vdpa commands and vdpasim_blk", () -> {
      try {
        return session.execute("vdpa:mgmtdev show").toString().contains("vdpasim_blk");
      } catch (Exception notYet) {
        return false;
      }
    });
  }

  @After
  public void closeSession() {
    session.close();
  }

  private String run(String command) throws Exception {
    Object r = session.execute(command);
    return r == null ? "" : r.toString();
  }

  private String refused(String command) {
    try {
      Object r = session.execute(command);
      fail(command + " was not refused: " + r);
      return null;
    } catch (Exception e) {
      String text = e.getMessage();
      assertEquals("one line: " + text, -1, text.indexOf('\n'));
      return text;
    }
  }

  private static ByteBuffer pattern(int seed) {
    ByteBuffer b = ByteBuffer.allocateDirect(4096);
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, (byte) (seed * 37 + i * 11));
    }
    return b;
  }

  @Test
  public void fourRequestQueuesEachCarryAndCountTheirOwnRequestsAndComeBackWithTheKeptDevice() throws Exception {
    Path img = Files.createTempDirectory("blockqueues").resolve("blkq.img");
    assertEquals("dev add prints nothing, as iproute2's does", "",
        run("vdpa dev add name blkq mgmtdev vdpasim_blk capacity 16M file " + img + " num_queues 4"));
    assertTrue(run("vdpa:dev show blkq"), run("vdpa:dev show blkq").contains(" max_vqs 4 "));
    assertTrue(run("vdpa:dev config show blkq"), run("vdpa:dev config show blkq").contains(" num_queues 4 "));
    BlockDevice disk = disk("blkq");
    assertEquals(4, disk.queues());
    VdpaDevice dev = device("blkq");
    for (int q = 0; q < 4; q++) {
      final int queue = q;
      assertEquals(BlockStatus.OK, await(c -> disk.write(queue, queue * 65536L, pattern(queue), queue, c)));
      ByteBuffer r = ByteBuffer.allocateDirect(4096);
      assertEquals(BlockStatus.OK, await(c -> disk.read(queue, queue * 65536L, r, queue, c)));
      assertEquals("what queue " + q + " wrote", pattern(q), r);
    }
    for (int q = 0; q < 4; q++) {
      assertEquals("queue " + q, new BlockStats(1, 4096, 1, 4096, 0, 0), disk.stats(q));
      Map<String, Long> counted = dev.vendorVqStats(q);
      assertEquals("the device's queue " + q + ": " + counted, Long.valueOf(1), counted.get("write_ops"));
      assertEquals("the device's queue " + q + ": " + counted, Long.valueOf(1), counted.get("read_ops"));
    }
    String show = run("blk:show");
    assertTrue(show, show.contains("queues 4"));
    assertTrue(show, show.contains("\n  queue 3: reads 1 read_bytes 4096 writes 1 write_bytes 4096 flushes 0 errors 0"));

    String io = run("blk:io rw randread qd 8 queues 4 runtime 1 " + disk.name());
    assertTrue(io, io.contains(" qd 8 queues 4 in ") && io.endsWith("errors 0"));
    for (int q = 0; q < 4; q++) {
      assertTrue("blk:io loaded queue " + q + ": " + disk.stats(q), disk.stats(q).reads() > 2);
    }
    assertEquals("queues 5 is outside 1..4 (the request queues of " + disk.name() + ")",
        refused("blk:io queues 5 runtime 1 " + disk.name()));

    assertEquals("num_queues 0: at least one request queue is required",
        refused("vdpa dev add name bad mgmtdev vdpasim_blk num_queues 0"));
    assertEquals("num_queues 9 is above 8, the most management device vdpasim_blk supports",
        refused("vdpa:dev add name bad mgmtdev vdpasim_blk num_queues 9"));
    assertEquals("num_queues 'four' is not a number", refused("vdpa dev add name bad mgmtdev vdpasim_blk num_queues four"));
    assertEquals("management device vdpasim_blk does not support attribute(s) max_vqp: all provided attributes are not"
        + " supported", refused("vdpa dev add name bad mgmtdev vdpasim_blk max_vqp 2"));

    Configuration[] kept = configAdmin.listConfigurations("(&(service.factoryPid=" + VdpaDeviceStore.FACTORY_PID
        + ")(name=blkq))");
    assertNotNull("blkq is kept", kept);
    assertEquals(4, ((Number) kept[0].getProperties().get("num_queues")).intValue());

    // the device and the store go away and come back: the kept configuration makes blkq again
    Bundle config = installed("net.vdpa.config");
    Bundle simblk = installed("net.vdpa.device.simblk");
    config.stop();
    simblk.stop();
    await("blkq gone from the bus", () -> bus.device("blkq").isEmpty());
    simblk.start();
    config.start();
    awaitBound("blkq", "virtio_blk");
    BlockDevice again = disk("blkq");
    assertEquals("the queues came back", 4, again.queues());
    ByteBuffer r = ByteBuffer.allocateDirect(4096);
    assertEquals(BlockStatus.OK, await(c -> again.read(3, 3 * 65536L, r, 0, c)));
    assertEquals("what queue 3 wrote, from the file", pattern(3), r);
    assertEquals(new BlockStats(1, 4096, 0, 0, 0, 0), again.stats(3));
    run("vdpa dev del blkq");
  }

  private BlockDevice disk(String device) throws Exception {
    return tracked(BlockDevice.class, BlockDevice.PROP_DEVICE + "=" + device, "BlockDevice on " + device);
  }

  private VdpaDevice device(String name) throws Exception {
    return tracked(VdpaDevice.class, VdpaDevice.PROP_NAME + "=" + name, "VdpaDevice " + name);
  }
}
