package net.vdpa.ring.mem;

import net.vdpa.ring.RingError;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when an {@link Iotlb} refuses a translation: the device tried to reach memory outside its
 * mappings or against their permission. Called on the translating thread, on the rare path only;
 * it must return quickly and must not throw.
 */
@FunctionalInterface
@ConsumerType
public interface DmaFaultListener {
  /**
   * A translation was refused; no byte moved.
   *
   * @param iova the first address of the refused range
   * @param length its length in bytes
   * @param write true for a device write, false for a read
   * @param error why ({@link RingError#ADDRESS_UNMAPPED}, {@link RingError#WRITE_TO_READ_ONLY}, ...)
   */
  void fault(long iova, long length, boolean write, RingError error);
}
