package net.vdpa.api.passthrough;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The request interrupt ({@code VFIO_PCI_REQ_IRQ_INDEX}): the device must go, close the handle.
 * Called on a driver thread; must return quickly. If the handle is not closed within the grace
 * period, it is revoked anyway.
 */
@FunctionalInterface
@ConsumerType
public interface ReleaseRequest {
  /**
   * The device is wanted back.
   *
   * @param device the device
   * @param why why, in words ({@code device vdpa0 unbound})
   * @param graceMillis how long the user has before the handle is revoked
   */
  void releaseRequested(String device, String why, long graceMillis);
}
