package net.vdpa.driver.virtionet;

import java.nio.ByteBuffer;
import net.vdpa.api.VdpaDevice;
import net.vdpa.ring.driver.DriverMemory;

/**
 * The memory one interface shares with its device: a {@link DriverMemory} at IOVA {@link #BASE},
 * mapped into the device's IOTLB at the same IOVA. Rings and packet buffers are carved out of it
 * once, at probe time.
 */
final class DmaMemory {
  /** Where the memory starts in IOVA space. */
  static final long BASE = 0x1_0000_0000L;

  final DriverMemory memory;
  final ByteBuffer buffer;
  private boolean mapped;

  DmaMemory(int size) {
    this.memory = new DriverMemory(BASE, size);
    this.buffer = memory.buffer();
  }

  /** Carves out an aligned block; returns its IOVA. */
  long allocate(long size, long align) {
    return memory.allocate(size, align);
  }

  /** Where an IOVA of this memory sits in {@link #buffer}. */
  int offset(long iova) {
    return memory.offset(iova);
  }

  /** Lets the device reach the memory. */
  void mapInto(VdpaDevice device) {
    if (!device.iovaRange().contains(BASE, buffer.capacity())) {
      throw new IllegalStateException("device " + device.name() + " cannot translate IOVAs 0x" + Long.toHexString(BASE)
          + "+" + buffer.capacity() + " (its range is " + device.iovaRange() + ")");
    }
    device.dmaMap(BASE, buffer.duplicate().clear(), VdpaDevice.DMA_READ_WRITE);
    mapped = true;
  }

  /** Takes the memory back from the device. */
  void unmapFrom(VdpaDevice device) {
    if (mapped) {
      mapped = false;
      device.dmaUnmap(BASE, buffer.capacity());
    }
  }
}
