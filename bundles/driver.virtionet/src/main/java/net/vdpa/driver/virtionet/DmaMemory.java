package net.vdpa.driver.virtionet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.VdpaDevice;
import net.vdpa.ring.mem.DmaAllocator;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;

/**
 * The memory one interface shares with its device: a single off-heap buffer, seen by the driver at
 * IOVA {@link #base} through its own IOTLB and mapped into the device's IOTLB at the same IOVA.
 * Rings and packet buffers are carved out of it once, at probe time.
 */
final class DmaMemory {
  /** Where the memory starts in IOVA space. */
  static final long BASE = 0x1_0000_0000L;

  final long base;
  final ByteBuffer buffer;
  final Iotlb iotlb = new Iotlb();
  private final DmaAllocator allocator;
  private boolean mapped;

  DmaMemory(int size) {
    this.base = BASE;
    this.buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
    MemoryRegion region = MemoryRegion.wrap(buffer);
    iotlb.map(base, size, region, 0, Permission.READ_WRITE);
    this.allocator = new DmaAllocator(region, base);
  }

  /** Carves out an aligned block; returns its IOVA. */
  long allocate(long size, long align) {
    long iova = allocator.allocate(size, align);
    if (iova == DmaAllocator.NO_SPACE) {
      throw new IllegalStateException("driver memory of " + buffer.capacity() + " bytes is exhausted asking for " + size);
    }
    return iova;
  }

  /** Where an IOVA of this memory sits in {@link #buffer}. */
  int offset(long iova) {
    return (int) (iova - base);
  }

  /** Lets the device reach the memory. */
  void mapInto(VdpaDevice device) {
    if (!device.iovaRange().contains(base, buffer.capacity())) {
      throw new IllegalStateException("device " + device.name() + " cannot translate IOVAs 0x" + Long.toHexString(base)
          + "+" + buffer.capacity() + " (its range is " + device.iovaRange() + ")");
    }
    device.dmaMap(base, buffer.duplicate().clear(), VdpaDevice.DMA_READ_WRITE);
    mapped = true;
  }

  /** Takes the memory back from the device. */
  void unmapFrom(VdpaDevice device) {
    if (mapped) {
      mapped = false;
      device.dmaUnmap(base, buffer.capacity());
    }
  }
}
