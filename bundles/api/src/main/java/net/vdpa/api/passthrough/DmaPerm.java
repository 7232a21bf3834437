package net.vdpa.api.passthrough;

/** What a device may do with a DMA mapping ({@code VFIO_DMA_MAP_FLAG_READ} / {@code _WRITE}). */
public enum DmaPerm {
  /** The device may read. */
  READ,
  /** The device may write. */
  WRITE,
  /** The device may read and write. */
  READ_WRITE;

  /**
   * Whether this permission allows an access.
   *
   * @param access the access
   * @return true if allowed
   */
  public boolean allows(Access access) {
    return this == READ_WRITE || (access == Access.READ ? this == READ : this == WRITE);
  }
}
