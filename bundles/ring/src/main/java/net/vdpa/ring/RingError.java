package net.vdpa.ring;

/**
 * Why a queue stopped: the typed error a queue returns instead of throwing when the other side wrote
 * something a correct peer never writes.
 *
 * <p>Once a device-side queue meets one of these it stops (every later call returns at once) and
 * reports {@link DeviceQueue#needsReset()}, so that the device sets DEVICE_NEEDS_RESET (virtio 1.2
 * §2.1.2). {@link #NONE} means no error.
 */
public enum RingError {
  /** No error. */
  NONE("no error"),
  /** A descriptor chain visits the same descriptor twice. */
  DESCRIPTOR_LOOP("descriptor chain loops"),
  /** A descriptor's {@code next} (or an available ring entry) is not below the table size. */
  NEXT_OUT_OF_RANGE("next descriptor index out of range"),
  /** A chain (or indirect table) has more descriptors than the queue size. */
  CHAIN_TOO_LONG("descriptor chain longer than the queue size"),
  /** The lengths of a chain add up to more than 2^32 - 1 bytes. */
  CHAIN_LENGTH_OVERFLOW("total chain length exceeds 2^32 - 1"),
  /** An indirect table holds an INDIRECT descriptor. */
  NESTED_INDIRECT("indirect descriptor inside an indirect table"),
  /** A descriptor sets both INDIRECT and NEXT. */
  INDIRECT_WITH_NEXT("descriptor sets both INDIRECT and NEXT"),
  /** An indirect table's length is zero or not a multiple of 16. */
  INDIRECT_BAD_LENGTH("indirect table length is zero or not a multiple of 16"),
  /** An INDIRECT descriptor although VIRTIO_F_INDIRECT_DESC was not negotiated. */
  INDIRECT_NOT_NEGOTIATED("indirect descriptor without VIRTIO_F_INDIRECT_DESC"),
  /** An address range is not (entirely) mapped in the IOTLB. */
  ADDRESS_UNMAPPED("address range not mapped"),
  /** An address range wraps past 2^64. */
  ADDRESS_WRAP("address range wraps past 2^64"),
  /** A structure that must be contiguous (ring area, indirect table) spans two mappings. */
  NOT_CONTIGUOUS("structure spans more than one mapping"),
  /** A ring area is not aligned as the virtio layout requires. */
  MISALIGNED("ring area misaligned"),
  /** The device would write a buffer mapped read-only. */
  WRITE_TO_READ_ONLY("write to a read-only mapping"),
  /** The device would read a buffer mapped write-only. */
  READ_FROM_WRITE_ONLY("read from a write-only mapping"),
  /** A device-readable descriptor follows a device-writable one in a chain. */
  READABLE_AFTER_WRITABLE("readable descriptor after a writable one"),
  /** The available index moved by more than the queue size. */
  AVAIL_INDEX_JUMP("available index moved by more than the queue size"),
  /** The used index moved by more than the number of buffers in flight (driver side). */
  USED_INDEX_JUMP("used index moved by more than the buffers in flight"),
  /** Packed ring: the next descriptor is marked used in a lap the device has not reached. */
  WRAP_STATE("descriptor flags contradict the wrap counter"),
  /** Packed ring: a buffer id is not below the queue size. */
  ID_OUT_OF_RANGE("buffer id out of range"),
  /** Packed ring: a buffer id is already in flight. */
  ID_IN_USE("buffer id already in flight"),
  /** A used id names no buffer in flight. */
  USED_ID_INVALID("used id names no buffer in flight"),
  /** VIRTIO_F_IN_ORDER: a buffer is used out of the order it was made available. */
  OUT_OF_ORDER("buffer used out of order under VIRTIO_F_IN_ORDER");

  private final String description;

  RingError(String description) {
    this.description = description;
  }

  /**
   * A short English description, for logs and status output.
   *
   * @return the description, for example {@code "descriptor chain loops"}
   */
  public String description() {
    return description;
  }
}
