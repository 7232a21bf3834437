package net.vdpa.pmd.virtio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;

/**
 * The port's own DMA memory, mapped into its container at {@link #BASE}: the two rings, then the
 * mbuf slots, each {@link #SLOT} bytes (a virtio-net header and a frame). Its size is a whole
 * number of 4 KiB pages, as the container demands. Also the pool of free mbufs (a stack), used by
 * the polling thread only.
 */
final class PacketMemory {
  /** Where the memory sits in IOVA space. */
  static final long BASE = 0x1_0000_0000L;
  /** Bytes per mbuf slot. */
  static final int SLOT = 2048;
  /** The virtio-net header in front of every frame (VERSION_1: with num_buffers). */
  static final int HDR = VirtioNet.HDR_LEN;
  private static final int PAGE = 4096;

  final DriverMemory memory;
  final ByteBuffer buffer;
  final DriverRing rx;
  final DriverRing tx;
  private final SlotMbuf[] mbufs;
  private final int[] free;
  private int freeCount;

  PacketMemory(int queueSize, int mbufCount, long features) {
    long rings = 2 * DriverRing.footprint(queueSize, false);
    long size = rings + (long) SLOT * mbufCount + SLOT;
    size = (size + PAGE - 1) / PAGE * PAGE;
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("packet memory of " + size + " bytes is too large");
    }
    memory = new DriverMemory(BASE, (int) size);
    buffer = memory.buffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    rx = DriverRing.create(memory, queueSize, false, features);
    tx = DriverRing.create(memory, queueSize, false, features);
    mbufs = new SlotMbuf[mbufCount];
    free = new int[mbufCount];
    for (int i = 0; i < mbufCount; i++) {
      long iova = memory.allocate(SLOT, 64);
      int off = memory.offset(iova);
      SlotMbuf m = new SlotMbuf(i, iova, off, buffer.slice(off + HDR, SLOT - HDR));
      m.pooled = true;
      mbufs[i] = m;
      free[freeCount++] = mbufCount - 1 - i;
    }
  }

  /** The whole memory, from position 0, for the container. */
  ByteBuffer forMapping() {
    return memory.buffer().duplicate().clear();
  }

  SlotMbuf take() {
    if (freeCount == 0) {
      return null;
    }
    SlotMbuf m = mbufs[free[--freeCount]];
    m.pooled = false;
    return m;
  }

  void put(SlotMbuf m) {
    if (m.pooled) {
      throw new IllegalArgumentException("mbuf " + m.index + " is already free");
    }
    m.pooled = true;
    free[freeCount++] = m.index;
  }

  boolean owns(Object o) {
    return o instanceof SlotMbuf m && m.index < mbufs.length && mbufs[m.index] == m;
  }

  int freeCount() {
    return freeCount;
  }

  /** Zeroes the header of a slot before transmit (no offloads). */
  void clearHeader(SlotMbuf m) {
    buffer.putLong(m.offset, 0L);
    buffer.putInt(m.offset + 8, 0);
  }
}
