package net.vdpa.ring;

import net.vdpa.ring.split.SplitDevice;
import net.vdpa.ring.split.SplitQueueState;
import net.vdpa.ring.testing.MockDriver;

/** The ring contract for split virtqueues. */
class SplitRingContractTest extends RingContractTest {
  @Override
  protected MockDriver driver(int size, long features) {
    return MockDriver.split(size, features, 1 << 20);
  }

  @Override
  protected DeviceQueue exportAndRestore(MockDriver m, DeviceQueue device) {
    return SplitDevice.restore(m.config(), m.deviceIotlb(), ((SplitDevice) device).state());
  }

  @Override
  protected void restoreTooFarApart(MockDriver m) {
    SplitDevice.restore(m.config(), m.deviceIotlb(), new SplitQueueState(20, 3));
  }
}
