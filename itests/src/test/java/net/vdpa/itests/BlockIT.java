package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockDevice.Submit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

/**
 * A second device class on the bus: the simulated block device bundle creates a virtio-blk device
 * (device id 2), the virtio-net driver leaves it alone and the virtio-blk driver publishes it as a
 * BlockDevice; data written through it reads back, also from a backing file after the device was
 * deleted and made again; deleting the device or stopping either bundle under a running load ends
 * every request (none hangs), and the class service goes before the device.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BlockIT extends BusTestSupport {

  @Override
  protected Option[] extraOptions() {
    return new Option[] {reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"),
        reactorBundle("vdpa.bundle.simblk"), reactorBundle("vdpa.bundle.virtionet"),
        reactorBundle("vdpa.bundle.virtioblk")};
  }

  @Test
  public void theBlockDriverTakesABlockDeviceAndDataReadsBack() throws Exception {
    VdpaMgmtDevice m = blkMgmtdev();
    VdpaDevice d = m.devAdd(DevConfig.named("blk0"));
    assertEquals(VdpaDevice.ID_BLOCK, d.deviceId());
    awaitBound("blk0", "virtio_blk");
    BlockDevice disk = disk("blk0");
    assertEquals("vda", disk.name());
    assertEquals(128L << 20, disk.capacity());
    ByteBuffer w = ByteBuffer.allocateDirect(32768);
    for (int i = 0; i < w.capacity(); i++) {
      w.put(i, (byte) (i * 13 + 5));
    }
    assertEquals(BlockStatus.OK, await(c -> disk.write(0, 4096L * 1000, w.duplicate(), 1, c)));
    assertEquals(BlockStatus.OK, await(c -> disk.flush(0, 2, c)));
    ByteBuffer r = ByteBuffer.allocateDirect(32768);
    assertEquals(BlockStatus.OK, await(c -> disk.read(0, 4096L * 1000, r, 3, c)));
    assertEquals(w.clear(), r.clear());
  }

  @Test
  public void deletingTheDeviceUnderLoadEndsEveryRequest() throws Exception {
    VdpaMgmtDevice m = blkMgmtdev();
    m.devAdd(DevConfig.named("blk1"));
    BlockDevice disk = disk("blk1");
    List<BlockStatus> seen = new CopyOnWriteArrayList<>();
    int n = 0;
    ByteBuffer src = ByteBuffer.allocateDirect(4096);
    for (; n < 20; n++) {
      assertEquals(Submit.QUEUED, disk.write(0, 4096L * n, src.duplicate(), n, (t, st) -> seen.add(st)));
    }
    m.devDel("blk1");
    await("every request ended (" + seen.size() + " of 20)", () -> seen.size() == 20);
    assertEquals(Submit.DOWN, disk.write(0, 0, src.duplicate(), 99, (t, st) -> seen.add(st)));
    await("blk1 gone from the bus", () -> bus.device("blk1").isEmpty());
  }

  @Test
  public void aFileBackedDiskReadsBackAfterItsDeviceWasDeletedAndMadeAgain() throws Exception {
    VdpaMgmtDevice m = blkMgmtdev();
    Path dir = Files.createTempDirectory("blockit");
    String img = dir.resolve("blk2.img").toString();
    m.devAdd(new DevConfig("blk2", null, null, null, null, 8L << 20, img, null));
    BlockDevice disk = disk("blk2");
    assertEquals(8L << 20, disk.capacity());
    ByteBuffer w = ByteBuffer.allocateDirect(16384);
    for (int i = 0; i < w.capacity(); i++) {
      w.put(i, (byte) (i * 31 + 7));
    }
    assertEquals(BlockStatus.OK, await(c -> disk.write(0, 4096L * 100, w.duplicate(), 1, c)));
    assertEquals(BlockStatus.OK, await(c -> disk.flush(0, 2, c)));
    m.devDel("blk2");
    await("blk2 gone from the bus", () -> bus.device("blk2").isEmpty());

    m.devAdd(new DevConfig("blk2", null, null, null, null, null, img, true));
    BlockDevice again = disk("blk2");
    assertTrue("read-only", again.readOnly());
    assertEquals("the file's size", 8L << 20, again.capacity());
    ByteBuffer r = ByteBuffer.allocateDirect(16384);
    assertEquals(BlockStatus.OK, await(c -> again.read(0, 4096L * 100, r, 3, c)));
    assertEquals(w.clear(), r.clear());
    assertEquals(Submit.INVALID, again.write(0, 0, w.duplicate(), 4, (t, st) -> { }));
    m.devDel("blk2");
    assertEquals(8L << 20, Files.size(Path.of(img)));
  }

  /**
   * Runs a closed-loop load of 32 requests on a new device, does {@code unplug} while it runs, and
   * checks that every request queued has completed and the load stopped; returns which of
   * BlockDevice and VdpaDevice of the device were unregistered, in order, the BlockDevice saying
   * whether the device's service was still registered then (a listener may hear the device's
   * UNREGISTERING before the bus does, so the order of the events alone proves nothing).
   */
  private List<String> unplugUnderLoad(String name, ThrowingRunnable unplug) throws Exception {
    VdpaMgmtDevice m = blkMgmtdev();
    m.devAdd(DevConfig.named(name));
    BlockDevice disk = disk(name);
    org.osgi.framework.ServiceReference<VdpaDevice> device = context.getServiceReferences(VdpaDevice.class,
        "(" + VdpaDevice.PROP_NAME + "=" + name + ")").iterator().next();
    List<String> gone = new CopyOnWriteArrayList<>();
    ServiceListener l = e -> {
      if (e.getType() == ServiceEvent.UNREGISTERING
          && name.equals(e.getServiceReference().getProperty(VdpaDevice.PROP_NAME))) {
        String[] classes = (String[]) e.getServiceReference().getProperty("objectClass");
        String type = classes[0].substring(classes[0].lastIndexOf('.') + 1);
        // a reference has no bundle once its service is unregistered
        gone.add(type.equals("BlockDevice") ? type + " while the device was "
            + (device.getBundle() != null ? "registered" : "gone") : type);
      }
    };
    context.addServiceListener(l);
    try {
      BlockLoad load = new BlockLoad(disk, 32, 2000).start();
      assertTrue("the load runs: " + load, load.awaitRunning(20));
      unplug.run();
      assertTrue("every request ended, none hangs: " + load, load.awaitDrained(20));
      assertEquals("completions match submissions: " + load, load.queued(), load.endedTotal());
      assertEquals("only OK and DOWN: " + load, load.endedTotal(),
          load.ended(BlockStatus.OK) + load.ended(BlockStatus.DOWN));
      return gone;
    } finally {
      context.removeServiceListener(l);
    }
  }

  /** An unplug action. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  public void deletingTheDeviceUnderARunningLoadEndsEveryRequestClassServiceFirst() throws Exception {
    List<String> gone = unplugUnderLoad("blk3", () -> blkMgmtdev().devDel("blk3"));
    assertTrue(gone.toString(), gone.contains("BlockDevice while the device was registered"));
    assertTrue(gone.toString(), gone.contains("VdpaDevice"));
  }

  @Test
  public void stoppingTheDeviceBundleUnderARunningLoadEndsEveryRequestClassServiceFirst() throws Exception {
    List<String> gone = unplugUnderLoad("blk4", () -> installed("net.vdpa.device.simblk").stop());
    assertTrue(gone.toString(), gone.contains("BlockDevice while the device was registered"));
    assertTrue(gone.toString(), gone.contains("VdpaDevice"));
  }

  @Test
  public void stoppingTheDriverBundleUnderARunningLoadEndsEveryRequestAndLeavesTheDevice() throws Exception {
    List<String> gone = unplugUnderLoad("blk5", () -> installed("net.vdpa.driver.virtioblk").stop());
    assertEquals(List.of("BlockDevice while the device was registered"), gone);
    await("blk5 unbound, still on the bus", () -> bus.device("blk5").map(d -> d.driver == null).orElse(false));
  }

  private BlockDevice disk(String device) throws Exception {
    return tracked(BlockDevice.class, BlockDevice.PROP_DEVICE + "=" + device, "BlockDevice on " + device);
  }

  private VdpaMgmtDevice blkMgmtdev() throws Exception {
    return tracked(VdpaMgmtDevice.class, VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_blk", "vdpasim_blk");
  }
}
