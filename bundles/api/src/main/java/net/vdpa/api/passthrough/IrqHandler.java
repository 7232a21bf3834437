package net.vdpa.api.passthrough;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What an interrupt vector calls (the in-process form of the eventfd given to {@code
 * VFIO_DEVICE_SET_IRQS}). Called on a device thread; must return quickly.
 */
@FunctionalInterface
@ConsumerType
public interface IrqHandler {
  /**
   * The vector fired.
   *
   * @param vector the MSI-X-like vector number
   */
  void interrupt(int vector);
}
