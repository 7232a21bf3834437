package net.vdpa.device.simnet;

import net.vdpa.device.core.VqSlot;
import net.vdpa.device.core.net.ControlQueue;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;
import net.vdpa.device.core.net.NetPairWorker;
import net.vdpa.device.core.net.QueueStats;
import net.vdpa.device.core.net.RxFilter;

/**
 * One queue pair of the simulated NIC: what it transmits goes on the port's wire (a loopback, a
 * cable, a capture file, a socket), what the wire brings waits in the port's inbox for this pair.
 * Everything else is the device core's {@link NetPairWorker}.
 */
final class QueuePairWorker extends NetPairWorker {
  private final Port port;

  /**
   * Creates a worker; the device starts it.
   *
   * @param name the thread name
   * @param pair the queue pair
   * @param port the device's port
   * @param filter the device's receive filter
   * @param rx the receive queue's slot with its live ring, or null
   * @param tx the transmit queue's slot with its live ring, or null
   * @param ctrl the control queue, or null
   * @param mergeable whether MRG_RXBUF was negotiated
   * @param hdrLen the packet header's length under the negotiated features (12: simnet never offers HASH_REPORT)
   * @param maxFrame the longest frame transmitted
   * @param paused whether to start suspended
   */
  QueuePairWorker(String name, int pair, Port port, RxFilter filter, VqSlot<QueueStats> rx, VqSlot<QueueStats> tx,
      ControlQueue ctrl, boolean mergeable, int hdrLen, int maxFrame, boolean paused) {
    super(name, pair, filter, rx, tx, ctrl, mergeable, hdrLen, maxFrame, paused);
    this.port = port;
  }

  @Override
  protected int carry(Frame frame) {
    if (!port.linkUp()) {
      return DROPPED;
    }
    final Carry c = port.wire().transmit(port, this, frame);
    return c == Carry.TAKEN ? CARRIED : c == Carry.FULL ? FULL : DROPPED;
  }

  @Override
  protected FrameQueue inbox() {
    return port.inbox(pair());
  }

  @Override
  protected void transmitted() {
    // the wire first: once the driver sees the chains used, a capture file holds their frames
    port.wire().flush();
  }

  @Override
  protected void drained() {
    port.wire().drained(port);
  }

  @Override
  protected boolean receiveMore() {
    return port.wire().poll(this);
  }

  @Override
  protected boolean armMore() {
    return port.wire().arm(this);
  }
}
