package net.vdpa.api.passthrough;

/** Why a passthrough operation was refused: the type of a {@link VfioException}, like an errno. */
public enum VfioError {
  /** The handle, container or group was revoked (the device left the driver); nothing works any more. */
  REVOKED,
  /** The device is already open by another owner; the message names it. */
  BUSY,
  /** The group is not viable: a member is bound to another driver; the message names it. */
  NOT_VIABLE,
  /** The group has no container yet, or is attached to another one. */
  NO_CONTAINER,
  /** A DMA map overlaps an existing mapping. */
  OVERLAP,
  /** A DMA unmap would split a mapping. */
  SPLIT,
  /** An IOVA, size or buffer is not aligned to the smallest page size. */
  UNALIGNED,
  /** A span leaves the valid IOVA ranges. */
  OUT_OF_RANGE,
  /** The container already holds {@code dma_entry_limit} mappings. */
  LIMIT,
  /** An argument is not acceptable (a heap buffer, an empty span, an unknown device or vector). */
  INVALID,
  /** A register write the device refuses (queue size not a power of two, enable before addresses). */
  REGISTER_REFUSED
}
