package net.vdpa.device.smartnic;

import net.vdpa.device.core.VqSlot;
import net.vdpa.device.core.net.ControlQueue;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;
import net.vdpa.device.core.net.NetPairWorker;
import net.vdpa.device.core.net.QueueStats;
import net.vdpa.device.core.net.RxFilter;

/**
 * One queue pair of a function's device: what it transmits goes into the embedded switch, what the
 * switch sends to this pair waits in the function's inbox for it. Everything else is the device
 * core's {@link NetPairWorker}; a unicast frame whose receiver is full is held until the receiver
 * has made room, a flooded frame is dropped where it does not fit.
 */
final class FunctionWorker extends NetPairWorker {
  private final FunctionDevice device;
  private final FrameQueue inbox;

  FunctionWorker(String name, int pair, FunctionDevice device, RxFilter filter, VqSlot<QueueStats> rx,
      VqSlot<QueueStats> tx, ControlQueue ctrl, boolean mergeable, int hdrLen, int maxFrame, boolean paused) {
    super(name, pair, filter, rx, tx, ctrl, mergeable, hdrLen, maxFrame, paused);
    this.device = device;
    this.inbox = device.inbox(pair);
  }

  @Override
  protected int carry(Frame frame) {
    final int out = device.transmit(pair(), frame);
    return out == SwitchPort.FULL ? FULL : out > 0 ? CARRIED : DROPPED;
  }

  @Override
  protected FrameQueue inbox() {
    return inbox;
  }

  @Override
  protected void drained() {
    device.drained();
  }
}
