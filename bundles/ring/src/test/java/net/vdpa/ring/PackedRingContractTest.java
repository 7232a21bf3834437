package net.vdpa.ring;

import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.packed.PackedQueueState;
import net.vdpa.ring.testing.MockDriver;

/** The ring contract for packed virtqueues. */
class PackedRingContractTest extends RingContractTest {
  @Override
  protected MockDriver driver(int size, long features) {
    return MockDriver.packed(size, features, 1 << 20);
  }

  @Override
  protected DeviceQueue exportAndRestore(MockDriver m, DeviceQueue device) {
    return PackedDevice.restore(m.config(), m.deviceIotlb(), ((PackedDevice) device).state());
  }

  @Override
  protected void restoreTooFarApart(MockDriver m) {
    PackedDevice.restore(m.config(), m.deviceIotlb(), new PackedQueueState(3, false, 2, true));
  }
}
