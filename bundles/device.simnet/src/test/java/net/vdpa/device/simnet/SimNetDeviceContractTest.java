package net.vdpa.device.simnet;

import net.vdpa.api.VdpaDevice;

/** The device contract for the simulated NIC. */
class SimNetDeviceContractTest extends VdpaDeviceContractTest {
  @Override
  VdpaDevice newDevice() {
    return new SimNetManager((d, p) -> () -> { }, SimLog.NONE).devAdd(net.vdpa.api.DevConfig.named("contract0"));
  }
}
