package net.vdpa.api.passthrough;

/**
 * One mapping of an {@link IommuContainer}.
 *
 * @param iova the first I/O virtual address
 * @param size bytes, a multiple of the page size
 * @param perm what the device may do
 */
public record DmaMapping(long iova, long size, DmaPerm perm) {
  /**
   * The last IOVA of the mapping (inclusive).
   *
   * @return {@code iova + size - 1}
   */
  public long last() {
    return iova + size - 1;
  }
}
