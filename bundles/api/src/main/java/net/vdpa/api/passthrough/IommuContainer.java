package net.vdpa.api.passthrough;

import java.nio.ByteBuffer;
import java.util.List;
import net.vdpa.api.IovaRange;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An IOMMU container with VFIO type1v2 semantics: the I/O address space shared by the groups
 * attached to it. Obtained from {@link Vfio#openContainer(String)}; the devices of every attached
 * group reach exactly what is mapped here, and nothing else.
 *
 * <p>Rules ({@code VFIO_TYPE1v2_IOMMU}): IOVA, size and memory are aligned to the smallest page of
 * {@link #pageSizes()} (4 KiB); a map must lie inside one of {@link #iovaRanges()}; a map that
 * overlaps an existing mapping is refused; an unmap removes every mapping inside its span and is
 * refused if it would split one; at most {@link #dmaEntryLimit()} mappings exist at once. A refused
 * call throws {@link VfioException} and changes nothing. Calls are serialised by the container.
 */
@ProviderType
public interface IommuContainer extends AutoCloseable {

  /**
   * Who opened the container.
   *
   * @return the owner given to {@link Vfio#openContainer(String)}
   */
  String owner();

  /**
   * The IOVA page sizes, as a bitmap ({@code vfio_iommu_type1_info.iova_pgsizes}).
   *
   * @return bit n set means pages of 2^n bytes; 4 KiB only here ({@code 0x1000})
   */
  long pageSizes();

  /**
   * The valid IOVA ranges ({@code VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE}): the ranges of the
   * container narrowed by every attached device.
   *
   * @return the ranges, ascending
   */
  List<IovaRange> iovaRanges();

  /**
   * The most mappings the container holds ({@code dma_entry_limit}).
   *
   * @return the limit
   */
  int dmaEntryLimit();

  /**
   * How many more mappings may be made ({@code VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL}).
   *
   * @return {@link #dmaEntryLimit()} minus the mappings held
   */
  int dmaAvailable();

  /**
   * Maps memory ({@code VFIO_IOMMU_MAP_DMA}): {@code [iova, iova + memory.remaining())} reaches the
   * buffer from its position, with the permission, for every device attached.
   *
   * @param iova the first I/O virtual address, page aligned
   * @param memory direct memory, a whole number of pages from position to limit
   * @param perm what devices may do
   * @throws VfioException {@link VfioError#UNALIGNED}, {@link VfioError#OUT_OF_RANGE}, {@link
   *     VfioError#OVERLAP}, {@link VfioError#LIMIT}, {@link VfioError#INVALID} (heap or empty
   *     buffer), {@link VfioError#REVOKED}
   */
  void dmaMap(long iova, ByteBuffer memory, DmaPerm perm);

  /**
   * Unmaps ({@code VFIO_IOMMU_UNMAP_DMA}) every mapping inside {@code [iova, iova + size)}.
   *
   * @param iova the first IOVA, page aligned
   * @param size bytes, a whole number of pages
   * @return the bytes unmapped (0 if nothing was mapped there)
   * @throws VfioException {@link VfioError#SPLIT} if a mapping straddles an end of the span,
   *     {@link VfioError#UNALIGNED}, {@link VfioError#REVOKED}
   */
  long dmaUnmap(long iova, long size);

  /**
   * The mappings held.
   *
   * @return a snapshot, ascending by IOVA
   */
  List<DmaMapping> mappings();

  /**
   * The groups attached.
   *
   * @return group ids, ascending
   */
  List<Integer> groups();

  /**
   * Whether the container was revoked (its last group's device left the driver, or the driver
   * stopped): it then holds no mappings and refuses every change.
   *
   * @return true if revoked
   */
  boolean revoked();

  /** Detaches every group and drops every mapping. Idempotent. */
  @Override
  void close();
}
