package net.vdpa.pmd.virtio;

import java.nio.ByteBuffer;
import net.vdpa.api.pmd.Mbuf;

/**
 * One slot of the port's packet memory: the virtio-net header, then the frame from the slot's
 * second cache line ({@link PacketMemory}). Made once; the port's polling thread hands it around.
 */
final class SlotMbuf implements Mbuf {
  final int index;
  /** IOVA of the header (the frame follows it). */
  final long iova;
  /** Offset of the header in the packet memory buffer. */
  final int offset;
  private final ByteBuffer data;
  int length;
  /** True while the mbuf sits in the pool. */
  boolean pooled;
  /** True if the device wrote it last (it came back through rxBurst), false if the application did. */
  boolean deviceWrote;

  SlotMbuf(int index, long iova, int offset, ByteBuffer data) {
    this.index = index;
    this.iova = iova;
    this.offset = offset;
    this.data = data;
  }

  @Override
  public ByteBuffer data() {
    return data;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public void length(int length) {
    if (length < 1 || length > data.capacity()) {
      throw new IllegalArgumentException("mbuf length " + length + " is outside 1.." + data.capacity());
    }
    this.length = length;
  }

  @Override
  public int capacity() {
    return data.capacity();
  }
}
