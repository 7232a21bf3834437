package net.vdpa.device.core;

import java.nio.ByteBuffer;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.vdpa.api.IovaRange;
import net.vdpa.api.VdpaDevice;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;

/**
 * What a device can reach: the driver's {@code dma_map} calls as an IOTLB the device's rings
 * translate through, and the list of mappings so that an unmap must name one exactly. Guarded by the
 * device's lock; the IOTLB itself is read lock-free by the workers.
 */
final class DmaSpace {
  private final String device;
  private final Iotlb iotlb = new Iotlb();
  /** IOVA to size of every mapping. */
  private final NavigableMap<Long, Long> mappings = new TreeMap<>();

  DmaSpace(String device) {
    this.device = device;
  }

  /**
   * Reports refused translations of this space's IOTLB (off the workers' fast path: only a refusal
   * calls it), or stops reporting them.
   *
   * @param callback the device's callback, or null
   */
  void faultCallback(net.vdpa.api.DmaFaultCallback callback) {
    iotlb.setFaultListener(callback == null ? null
        : (iova, length, write, error) -> callback.fault(iova, write, error.description()));
  }

  Iotlb iotlb() {
    return iotlb;
  }

  void map(long iova, ByteBuffer memory, int perm, IovaRange range) {
    Permission p = switch (perm) {
      case VdpaDevice.DMA_READ -> Permission.READ_ONLY;
      case VdpaDevice.DMA_WRITE -> Permission.WRITE_ONLY;
      case VdpaDevice.DMA_READ_WRITE -> Permission.READ_WRITE;
      default -> throw new IllegalArgumentException("device " + device + ": dma permission " + perm
          + " is not DMA_READ (1), DMA_WRITE (2) or DMA_READ_WRITE (3)");
    };
    long size = memory.remaining();
    if (!range.contains(iova, size)) {
      throw new IllegalArgumentException("device " + device + ": dma map of " + size + " bytes at 0x"
          + Long.toHexString(iova) + " leaves the iova range " + range);
    }
    iotlb.map(iova, size, MemoryRegion.wrap(memory), 0, p);
    mappings.put(iova, size);
  }

  void unmap(long iova, long size) {
    Long mapped = mappings.get(iova);
    if (mapped == null || mapped != size) {
      throw new IllegalArgumentException("device " + device + ": no mapping of " + size + " bytes starts at 0x"
          + Long.toHexString(iova) + (mapped == null ? "" : " (the one there has " + mapped + " bytes)"));
    }
    iotlb.unmap(iova, size);
    mappings.remove(iova);
  }

  void clear() {
    iotlb.clear();
    mappings.clear();
  }
}
