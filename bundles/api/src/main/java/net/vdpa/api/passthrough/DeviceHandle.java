package net.vdpa.api.passthrough;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An open passthrough device (the device fd of VFIO): its virtio-pci regions, read and written at
 * an offset and width like MMIO, its interrupt vectors, reset and close. Opened exclusively through
 * {@link IommuGroup#openDevice}; the device's DMA goes through the group's container.
 *
 * <p><b>Registers.</b> An access at an offset where no field starts, or at a width other than the
 * field's, is ignored (a read returns all ones) and counted in {@link #badAccesses()}, as hardware
 * does. A well-formed write the device refuses (a queue size that is not a power of two, enabling a
 * queue before its addresses, a status transition the spec forbids) throws {@link VfioException}
 * with {@link VfioError#REGISTER_REFUSED}, changes nothing and is counted in {@link
 * #refusedWrites()}. A doorbell write ({@link Region#NOTIFY}) allocates nothing.
 *
 * <p><b>Interrupts.</b> Vectors {@code 0 .. irqCount() - 1}, assigned to queues and config changes
 * through {@link CommonCfg#QUEUE_MSIX_VECTOR} and {@link CommonCfg#MSIX_CONFIG}. A masked vector
 * remembers that it fired and fires once when unmasked (MSI-X pending bit).
 *
 * <p><b>Revocation.</b> Once revoked every method except {@link #revoked()}, {@link #close()} and
 * the counters throws {@link VfioException} with {@link VfioError#REVOKED}.
 */
@ProviderType
public interface DeviceHandle extends AutoCloseable {

  /**
   * The device's name.
   *
   * @return the name
   */
  String device();

  /**
   * Who opened the handle.
   *
   * @return the owner
   */
  String owner();

  /**
   * The virtio device id, as the PCI device id of a modern function tells it ({@code 0x1040 + id}).
   *
   * @return 1 for net, 2 for block, ...
   */
  int virtioDeviceId();

  /**
   * The group the device belongs to.
   *
   * @return the group id
   */
  int group();

  /**
   * A region's size ({@code VFIO_DEVICE_GET_REGION_INFO}).
   *
   * @param region the region
   * @return bytes
   */
  int regionSize(Region region);

  /**
   * Reads a register.
   *
   * @param region the region
   * @param offset the byte offset
   * @param width 1, 2 or 4 bytes (the field's width)
   * @return the value, zero-extended; all ones of the width for a bad access
   */
  long read(Region region, int offset, int width);

  /**
   * Writes a register.
   *
   * @param region the region
   * @param offset the byte offset
   * @param width 1, 2 or 4 bytes (the field's width)
   * @param value the value (low {@code width} bytes)
   * @throws VfioException {@link VfioError#REGISTER_REFUSED} if the device refuses the value
   */
  void write(Region region, int offset, int width, long value);

  /**
   * The number of interrupt vectors: one per queue and one for config changes.
   *
   * @return vectors
   */
  int irqCount();

  /**
   * Sets what a vector calls ({@code VFIO_DEVICE_SET_IRQS} with an eventfd).
   *
   * @param vector the vector
   * @param handler the handler, or null for none
   * @throws VfioException {@link VfioError#INVALID} naming a vector out of range
   */
  void setIrq(int vector, IrqHandler handler);

  /**
   * Masks or unmasks a vector; unmasking delivers a pending interrupt.
   *
   * @param vector the vector
   * @param masked true to mask
   * @throws VfioException {@link VfioError#INVALID} naming a vector out of range
   */
  void maskIrq(int vector, boolean masked);

  /** Resets the device ({@code VFIO_DEVICE_RESET}): status 0, queues disabled, mappings kept. */
  void reset();

  /**
   * Register accesses ignored for a bad offset or width.
   *
   * @return the count
   */
  long badAccesses();

  /**
   * Register writes the device refused.
   *
   * @return the count
   */
  long refusedWrites();

  /**
   * Whether the handle was revoked.
   *
   * @return true once revoked
   */
  boolean revoked();

  /** Resets the device and frees it for the next owner; the container keeps its mappings. Idempotent. */
  @Override
  void close();
}
