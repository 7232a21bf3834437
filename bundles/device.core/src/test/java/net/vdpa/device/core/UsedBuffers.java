package net.vdpa.device.core;

import net.vdpa.ring.DriverQueue;

/** The driver's side of a test ring: what the device has made used. */
final class UsedBuffers {
  private UsedBuffers() {}

  /**
   * Takes every used buffer the driver can see now.
   *
   * @param q the driver's queue
   * @return how many
   */
  static int take(DriverQueue q) {
    int n = 0;
    while (q.pollUsed() != DriverQueue.EMPTY) {
      n++;
    }
    return n;
  }
}
