package net.vdpa.api.net;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives frames from a {@link NetInterface}, on the interface's receive thread for the queue
 * pair. The frame buffer is valid only during the call (it is the receive buffer itself, about to
 * be reposted): copy what you keep. Return quickly.
 */
@FunctionalInterface
@ConsumerType
public interface FrameReceiver {
  /**
   * One frame arrived.
   *
   * @param queuePair the queue pair it arrived on
   * @param frame the Ethernet frame (destination MAC first, no FCS), read-only, position to limit
   */
  void receive(int queuePair, ByteBuffer frame);
}
