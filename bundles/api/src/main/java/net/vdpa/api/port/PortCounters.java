package net.vdpa.api.port;

/**
 * What a port carried since its device was last reset: frames and bytes each way (bytes are whole
 * Ethernet frames without FCS) and what was lost.
 *
 * @param rxFrames frames the port delivered to its device's receive queues
 * @param rxBytes their bytes
 * @param rxDrops frames that arrived and were refused (filter) or found no buffer
 * @param txFrames frames the device transmitted that the wire carried
 * @param txBytes their bytes
 * @param txDrops frames the wire could not carry (link down, peer absent or not receiving)
 */
public record PortCounters(long rxFrames, long rxBytes, long rxDrops, long txFrames, long txBytes, long txDrops) {}
