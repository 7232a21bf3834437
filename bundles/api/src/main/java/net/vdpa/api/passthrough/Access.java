package net.vdpa.api.passthrough;

/** A device's access to memory, as an IOMMU fault reports it. */
public enum Access {
  /** The device read memory. */
  READ,
  /** The device wrote memory. */
  WRITE
}
