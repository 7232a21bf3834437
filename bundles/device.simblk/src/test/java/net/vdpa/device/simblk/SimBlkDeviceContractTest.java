package net.vdpa.device.simblk;

import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.testkit.VdpaDeviceContract;

/** The device contract kit run on the simulated block device. */
class SimBlkDeviceContractTest extends VdpaDeviceContract {
  @Override
  protected VdpaDevice newDevice() {
    return new SimBlkManager((d, p) -> () -> { }, EventLog.NONE).devAdd(DevConfig.named("contractblk"));
  }

  @Override
  protected void changeConfig(VdpaDevice d) {
    ((SimBlkDevice) d).resize(BlkSpec.DEFAULT_SECTORS / 2);
  }

  @Override
  protected int readQueue() {
    return 0;
  }
}
