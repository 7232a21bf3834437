package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import org.osgi.util.tracker.ServiceTracker;

/**
 * A second device class on the bus: the simulated block device bundle creates a virtio-blk device
 * (device id 2), the virtio-net driver leaves it alone and the virtio-blk driver publishes it as a
 * BlockDevice; data written through it reads back; deleting the device under load ends every
 * request.
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

  private VdpaMgmtDevice blkMgmtdev() throws Exception {
    ServiceTracker<VdpaMgmtDevice, VdpaMgmtDevice> t = new ServiceTracker<>(context,
        context.createFilter("(&(objectClass=" + VdpaMgmtDevice.class.getName() + ")(" + VdpaMgmtDevice.PROP_HANDLE
            + "=vdpasim_blk))"), null);
    t.open();
    VdpaMgmtDevice m = t.waitForService(WAIT.toMillis());
    assertNotNull("vdpasim_blk did not appear", m);
    return m;
  }

  private BlockDevice disk(String device) throws Exception {
    ServiceTracker<BlockDevice, BlockDevice> t = new ServiceTracker<>(context, context.createFilter("(&(objectClass="
        + BlockDevice.class.getName() + ")(" + BlockDevice.PROP_DEVICE + "=" + device + "))"), null);
    t.open();
    BlockDevice d = t.waitForService(WAIT.toMillis());
    assertNotNull("no BlockDevice on " + device, d);
    return d;
  }

  private static BlockStatus await(java.util.function.Function<BlockDevice.Completion, Submit> submit)
      throws InterruptedException {
    CountDownLatch l = new CountDownLatch(1);
    BlockStatus[] got = new BlockStatus[1];
    assertEquals(Submit.QUEUED, submit.apply((tag, st) -> {
      got[0] = st;
      l.countDown();
    }));
    assertTrue("completed", l.await(5, TimeUnit.SECONDS));
    return got[0];
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
}
