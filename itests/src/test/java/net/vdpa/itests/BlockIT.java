package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A second device class on the bus: the simulated block device bundle creates a virtio-blk device
 * (device id 2) beside the virtio-net driver, which does not take it; deleting it takes it off the
 * bus.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BlockIT extends BusTestSupport {

  @Override
  protected Option[] extraOptions() {
    return new Option[] {reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"),
        reactorBundle("vdpa.bundle.simblk"), reactorBundle("vdpa.bundle.virtionet")};
  }

  private VdpaMgmtDevice blkMgmtdev() throws Exception {
    ServiceTracker<VdpaMgmtDevice, VdpaMgmtDevice> t = new ServiceTracker<>(context,
        context.createFilter("(&(objectClass=" + VdpaMgmtDevice.class.getName() + ")(" + VdpaMgmtDevice.PROP_HANDLE
            + "=vdpasim_blk))"), null);
    t.open();
    VdpaMgmtDevice m = t.waitForService(WAIT.toMillis());
    if (m == null) {
      throw new AssertionError("vdpasim_blk did not appear");
    }
    return m;
  }

  @Test
  public void aBlockDeviceJoinsTheBusAndTheNetworkDriverLeavesItAlone() throws Exception {
    VdpaMgmtDevice m = blkMgmtdev();
    assertEquals("block", String.join(",", m.supportedClasses()));
    VdpaDevice d = m.devAdd(DevConfig.named("blk0"));
    assertEquals(VdpaDevice.ID_BLOCK, d.deviceId());
    ByteBuffer cfg = ByteBuffer.allocate(d.configSize()).order(ByteOrder.LITTLE_ENDIAN);
    d.getConfig(0, cfg);
    assertEquals("capacity in sectors (128 MiB)", 262_144L, cfg.getLong(0));
    await("blk0 on the bus and matched", () -> bus.device("blk0").map(x -> DeviceDTO.UNBOUND.equals(x.state)
        && x.reason != null && !x.reason.contains("not matched yet")).orElse(false));
    assertNull("no driver for a block device yet", dev("blk0").driver);
    m.devDel("blk0");
    await("blk0 gone from the bus", () -> bus.device("blk0").isEmpty());
  }
}
