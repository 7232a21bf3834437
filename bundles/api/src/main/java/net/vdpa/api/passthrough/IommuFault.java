package net.vdpa.api.passthrough;

import java.time.Instant;

/**
 * A device access the IOMMU refused: outside every mapping of the device's container, or against
 * the mapping's permission. The access did not touch memory.
 *
 * @param time when it was refused
 * @param device the device that tried
 * @param iova the address it tried
 * @param access read or write
 * @param reason why it was refused, in words ({@code address range not mapped})
 */
public record IommuFault(Instant time, String device, long iova, Access access, String reason) {}
