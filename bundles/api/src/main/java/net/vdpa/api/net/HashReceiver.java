package net.vdpa.api.net;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@link FrameReceiver} that also wants the hash the device reported for each frame (virtio-net's
 * HASH_REPORT). Set it with {@link NetInterface#setReceiver}; an interface whose device reports
 * hashes calls {@link #receive(int, ByteBuffer, int, HashReport)} instead of the two-argument
 * method, every other interface calls the two-argument method, so implement both (the plain one
 * may treat the frame as hashed {@link HashReport#NONE}).
 *
 * <p>Same thread and buffer rules as {@link FrameReceiver}. The hash is the device's Toeplitz hash
 * over the fields {@code report} names, as the driver configured it (RSS's key and hash types).
 */
@ConsumerType
public interface HashReceiver extends FrameReceiver {
  /**
   * One frame arrived with the device's hash report.
   *
   * @param queuePair the queue pair it arrived on
   * @param frame the Ethernet frame (destination MAC first, no FCS), read-only, position to limit
   * @param hash the 32-bit hash value; meaningless when {@code report} is {@link HashReport#NONE}
   * @param report what the hash covers
   */
  void receive(int queuePair, ByteBuffer frame, int hash, HashReport report);
}
