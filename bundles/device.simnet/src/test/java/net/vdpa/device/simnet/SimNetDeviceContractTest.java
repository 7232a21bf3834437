package net.vdpa.device.simnet;

import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.VdpaDeviceContract;

/** The device contract kit run on the simulated NIC. */
class SimNetDeviceContractTest extends VdpaDeviceContract {
  @Override
  protected VdpaDevice newDevice() {
    return new SimNetManager((d, p) -> () -> { }, EventLog.NONE).devAdd(DevConfig.named("contract0"));
  }

  @Override
  protected void changeConfig(VdpaDevice d) {
    ((SimNetDevice) d).setLink(false);
  }

  @Override
  protected int readQueue() {
    return VirtioNet.txq(0);
  }
}
