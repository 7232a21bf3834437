package net.vdpa.pmd.virtio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.driver.DriverMemory;
import net.vdpa.ring.driver.DriverRing;

/**
 * The port's own DMA memory, mapped into its container at {@link #BASE}: the two rings, then the
 * mbuf slots, each {@link #SLOT} bytes: the frame starts at the slot's second cache line, the
 * virtio-net header fills the last bytes of the first (DPDK's virtio PMD puts it in the mbuf's
 * headroom the same way). Its size is a whole number of 4 KiB pages, as the container demands.
 * Also the pool of free mbufs, used by the polling thread only.
 *
 * <p><b>Header apart from the frame.</b> With the header at the slot's start, a 64-byte frame
 * spanned two cache lines, both written by the application for every transmit and both read by
 * the device. With the frame on a line of its own, a 64-byte frame is one line, and the header's
 * line, zero for every frame the application sends, is not written again while it stays zero
 * ({@link #clearHeader}): it stays shared between the two caches.
 *
 * <p><b>Two pools, by who wrote the mbuf last.</b> An mbuf the device filled (received, then
 * freed) has its lines in the device thread's cache, modified; one the application filled
 * (transmitted, then reclaimed) has them in the polling thread's cache. The pool keeps them apart:
 * receive refills take device-written mbufs first, {@link #takeForApp} hands out
 * application-written ones first. With one pool a freed receive mbuf came straight back as the
 * next transmit buffer: copying a 1514-byte frame into it pulled its 24 lines out of the device
 * thread's cache, and the device's next receive went into lines the polling thread held.
 * virtio_net's transmit area is written only by the sender and its receive buffers only by the
 * device thread; with two pools the port's buffers behave the same way.
 *
 * <p><b>The application's mbufs in a fixed cycle.</b> Device-written mbufs are a stack (the most
 * recently written lines are the likeliest still in the device's cache). Application-written ones
 * are first in, first out: transmit buffers are reclaimed in the order they were sent, so the
 * application fills them, and the device reads them, in the same order every time round, a
 * stream of equally spaced frames the device core's prefetcher follows (virtio_net's transmit
 * area lays its frames back to back for the same reason). As a stack, each burst reversed the
 * order of the one before; the device's first read of each frame, a line the polling thread had
 * just written, was its costliest load (a sixth of its samples at 64 B), and 64-byte frames went
 * 1.14x faster in the same rounds once the order was kept.
 */
final class PacketMemory {
  /** Where the memory sits in IOVA space. */
  static final long BASE = 0x1_0000_0000L;
  /**
   * The virtio-net header in front of every frame (VERSION_1: with num_buffers). The port
   * negotiates VERSION_1 alone, never HASH_REPORT, so it is never the 20-byte hash header.
   */
  static final int HDR = VirtioNet.HDR_LEN;
  /** Where a frame starts in its slot: the second cache line. */
  static final int FRAME_AT = 64;
  /** Where the header starts in its slot: right before the frame. */
  static final int HDR_AT = FRAME_AT - HDR;
  /**
   * Bytes per mbuf slot: 25 whole cache lines, room for the header and a frame of 1,536 bytes. An
   * odd number of lines apart, the slots cover every set of each cache (2,048 apart, a quarter of
   * the sets never held packet data).
   */
  static final int SLOT = 1600;
  /** Bytes a receive buffer offers the device: the header and the frame, to the slot's end. */
  static final int BUFFER = SLOT - HDR_AT;
  private static final int PAGE = 4096;

  final DriverMemory memory;
  final ByteBuffer buffer;
  final DriverRing rx;
  final DriverRing tx;
  private final SlotMbuf[] mbufs;
  /** Free mbufs the device wrote last (received and freed), a stack. */
  private final int[] deviceWritten;
  /** Where each mbuf sits in {@link #deviceWritten} while it is there (so one can be taken out of the middle). */
  private final int[] deviceWrittenAt;
  private int deviceWrittenCount;
  /** Free mbufs the application wrote last, or never used, first in first out: a ring of indices. */
  private final int[] appWritten;
  /** Where the oldest of {@link #appWritten} is. */
  private int appWrittenHead;
  private int appWrittenCount;

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
    deviceWritten = new int[mbufCount];
    deviceWrittenAt = new int[mbufCount];
    appWritten = new int[mbufCount];
    for (int i = 0; i < mbufCount; i++) {
      long iova = memory.allocate(SLOT, 64);
      int off = memory.offset(iova);
      SlotMbuf m = new SlotMbuf(i, iova + HDR_AT, off + HDR_AT, buffer.slice(off + FRAME_AT, SLOT - FRAME_AT));
      m.pooled = true;
      mbufs[i] = m;
      appWritten[appWrittenCount++] = i;
    }
  }

  /** The whole memory, from position 0, for the container. */
  ByteBuffer forMapping() {
    return memory.buffer().duplicate().clear();
  }

  /** An mbuf for the application to fill: one it wrote last if there is one. */
  SlotMbuf takeForApp() {
    if (appWrittenCount > 0) {
      return taken(oldestAppWritten(), false);
    }
    return deviceWrittenCount > 0 ? taken(deviceWritten[--deviceWrittenCount], false) : null;
  }

  /**
   * An mbuf for the device to fill: {@code preferred} if it is free and the device wrote it last,
   * else the one the device wrote most recently, else the application's oldest.
   *
   * @param preferred an mbuf index (the one the receive slot carried last), or -1
   */
  SlotMbuf takeForDevice(int preferred) {
    if (preferred >= 0 && mbufs[preferred].pooled && mbufs[preferred].deviceWrote) {
      int at = deviceWrittenAt[preferred];
      int top = deviceWritten[--deviceWrittenCount];
      deviceWritten[at] = top;
      deviceWrittenAt[top] = at;
      return taken(preferred, true);
    }
    if (deviceWrittenCount > 0) {
      return taken(deviceWritten[--deviceWrittenCount], true);
    }
    return appWrittenCount > 0 ? taken(oldestAppWritten(), true) : null;
  }

  private int oldestAppWritten() {
    int index = appWritten[appWrittenHead];
    appWrittenHead = appWrittenHead + 1 == appWritten.length ? 0 : appWrittenHead + 1;
    appWrittenCount--;
    return index;
  }

  /** Takes an mbuf off a stack for whoever writes it next. */
  private SlotMbuf taken(int index, boolean forDevice) {
    SlotMbuf m = mbufs[index];
    m.pooled = false;
    m.deviceWrote = forDevice;
    return m;
  }

  /** Back to the pool, on the stack of whoever wrote it last ({@link SlotMbuf#deviceWrote}). */
  void put(SlotMbuf m) {
    if (m.pooled) {
      throw new IllegalArgumentException("mbuf " + m.index + " is already free");
    }
    m.pooled = true;
    if (m.deviceWrote) {
      deviceWrittenAt[m.index] = deviceWrittenCount;
      deviceWritten[deviceWrittenCount++] = m.index;
    } else {
      int tail = appWrittenHead + appWrittenCount;
      appWritten[tail >= appWritten.length ? tail - appWritten.length : tail] = m.index;
      appWrittenCount++;
    }
  }

  /** The mbuf with an index (one the port recorded when it handed the mbuf to the device). */
  SlotMbuf mbuf(int index) {
    return mbufs[index];
  }

  boolean owns(Object o) {
    return o instanceof SlotMbuf m && m.index < mbufs.length && mbufs[m.index] == m;
  }

  int freeCount() {
    return deviceWrittenCount + appWrittenCount;
  }

  /**
   * Zeroes the header of a slot before transmit (no offloads). Written only where it is not zero
   * already (the device wrote it when the mbuf last received), so that the header's cache line of
   * an mbuf the application keeps sending is read by the device, never written again.
   */
  void clearHeader(SlotMbuf m) {
    if (buffer.getLong(m.offset) != 0L || buffer.getInt(m.offset + 8) != 0) {
      buffer.putLong(m.offset, 0L);
      buffer.putInt(m.offset + 8, 0);
    }
  }
}
