package net.vdpa.device.smartnic;

import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.VdpaDeviceContract;

/** The device contract kit run on a VF's device. */
class FunctionDeviceContractTest extends VdpaDeviceContract {
  private TestAdapters adapters;

  @Override
  protected VdpaDevice newDevice() {
    adapters = new TestAdapters();
    adapters.standard().setNumVfs(1);
    return adapters.mgmtdevs.get("pci/0000:03:00.2").devAdd(DevConfig.named("contract0"));
  }

  @Override
  protected void changeConfig(VdpaDevice d) {
    ((FunctionDevice) d).setLink(false);
  }

  @Override
  protected int readQueue() {
    return VirtioNet.txq(0);
  }

  @Override
  protected void dispose(VdpaDevice d) {
    adapters.close();
  }
}
