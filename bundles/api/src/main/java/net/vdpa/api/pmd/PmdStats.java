package net.vdpa.api.pmd;

/**
 * Counters of a {@link PmdPort} ({@code rte_eth_stats}).
 *
 * @param rxPackets frames received
 * @param rxBytes their bytes
 * @param txPackets frames handed to the device
 * @param txBytes their bytes
 * @param txFull bursts cut short by a full transmit ring
 * @param rxNoMbuf receive slots left empty because no mbuf was free
 */
public record PmdStats(long rxPackets, long rxBytes, long txPackets, long txBytes, long txFull, long rxNoMbuf) {}
