package net.vdpa.api.pmd;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A packet buffer of a {@link PmdPort} ({@code struct rte_mbuf}): a fixed slot of the port's DMA
 * memory, made once and reused. The caller owns an mbuf it got from {@link PmdPort#alloc()} or
 * {@link PmdPort#rxBurst} until it hands it to {@link PmdPort#txBurst} or {@link PmdPort#free}.
 */
@ProviderType
public interface Mbuf {
  /**
   * The frame bytes: absolute gets and puts at indices {@code 0 .. capacity() - 1} (the view is
   * made once; its position and limit mean nothing).
   *
   * @return the data area, shared with the device
   */
  ByteBuffer data();

  /**
   * The frame length.
   *
   * @return bytes of {@link #data()} that hold the frame
   */
  int length();

  /**
   * Sets the frame length before transmit.
   *
   * @param length 1 to {@link #capacity()}
   * @throws IllegalArgumentException naming a length out of range
   */
  void length(int length);

  /**
   * The largest frame the mbuf holds.
   *
   * @return bytes
   */
  int capacity();
}
