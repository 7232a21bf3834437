package net.vdpa.device.simblk;

import net.vdpa.device.core.QueueWorker;
import net.vdpa.device.core.VqSlot;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;

/**
 * The worker of one request queue: pops requests, serves them on the disk, returns them used, in
 * batches with one publication and at most one notification each. The core's {@link QueueWorker}
 * runs the loop.
 */
final class RequestWorker extends QueueWorker {
  private static final int BATCH = 64;
  private final VqSlot<BlkStats> slot;
  private final DeviceQueue q;
  private final Requests requests;
  private final DescriptorChain chain = new DescriptorChain(BlkSpec.SEG_MAX + 2);

  RequestWorker(String name, VqSlot<BlkStats> slot, Requests requests, boolean paused) {
    super(name, paused);
    this.slot = slot;
    this.q = slot.queue();
    this.requests = requests;
  }

  @Override
  protected boolean pass() {
    if (slot.broken()) {
      return false;
    }
    int n = 0;
    while (n < BATCH && q.pop(chain)) {
      q.push(chain.id(), requests.serve(chain));
      n++;
    }
    if (n > 0) {
      slot.counters().add(BlkStats.RECEIVED_DESC, n);
      slot.counters().add(BlkStats.COMPLETED_DESC, n);
      q.publish();
      if (q.needsNotify()) {
        slot.notifyUsed();
      }
    }
    check(slot);
    return n > 0;
  }

  @Override
  protected boolean armNotifications() {
    return !slot.broken() && q.enableNotifications();
  }

  @Override
  protected void disarmNotifications() {
    if (!slot.broken()) {
      q.disableNotifications();
    }
  }
}
