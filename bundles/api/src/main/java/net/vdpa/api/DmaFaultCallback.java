package net.vdpa.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a device calls when it refused one of its own DMA accesses: the address is outside every
 * mapping made with {@link VdpaDevice#dmaMap}, or the mapping's permission forbids the access. No
 * byte moved. Called on a device thread, rarely; it must return quickly and must not throw.
 */
@FunctionalInterface
@ConsumerType
public interface DmaFaultCallback {
  /**
   * A DMA access was refused.
   *
   * @param iova the address the device tried
   * @param write true for a write, false for a read
   * @param reason why, in words ({@code address range not mapped})
   */
  void fault(long iova, boolean write, String reason);
}
