package net.vdpa.device.core.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.VqSlot;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.RingError;

/**
 * Writes received frames into a receive queue: a {@code virtio_net_hdr} then the frame — 12 bytes,
 * or with HASH_REPORT the 20-byte {@code virtio_net_hdr_v1_hash} carrying the hash the frame's
 * steering stamped on it ({@link Frame#hash()}) —
 * in one chain, or with MRG_RXBUF across as many chains as the frame needs ({@code num_buffers}
 * says how many). Chains are taken before any byte is written, so a frame that does not fit is
 * dropped whole; the chains it took are kept for the next frame, never returned half-written.
 *
 * <p>Used elements are published every {@link #PUBLISH_EVERY} frames while a pass goes on, and by
 * {@link #finish()} at its end, which alone interrupts the driver (if it asked); earlier too when
 * the ring runs out of buffers in the middle of a batch (the driver may refill on that interrupt).
 * A frame is counted as an overrun only if there are still none. Counters are added before the
 * used index that shows their frames is stored. Worker thread only.
 *
 * <p><b>Why publish during a pass.</b> A driver that polls (DPDK's virtio PMD, the passthrough
 * poll-mode driver) starts on the first frames while this thread writes the rest, so the two
 * threads work at once instead of in turn: in a loop where the driver sends back what it
 * receives (testpmd's {@code io} mode through vhost-user, 32 frames circulating), publishing only
 * at the end of a pass left each side waiting for the other's whole burst. One release store per
 * group is the price; interrupts stay one per pass.
 */
public final class RxQueue {
  /**
   * Frames after which a pass publishes what it has written (testpmd's io loop through vhost-user,
   * 64 B: 4 read 0.98x DPDK's own backend, 8 1.07-1.08x, 16 1.06x, once per pass 0.59-0.71x).
   */
  public static final int PUBLISH_EVERY = 8;
  /**
   * Writes a header's first eight bytes (zero) and, with HASH_REPORT, {@code hash_value,
   * hash_report, padding} as one little-endian long: an {@link RxHash} result is that layout.
   */
  private static final VarHandle LE_LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** Writes a header's bytes 8-11, {@code csum_offset} (zero) and {@code num_buffers}, as one little-endian int. */
  private static final VarHandle LE_INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private final VqSlot<QueueStats> slot;
  private final DeviceQueue queue;
  private final boolean mergeable;
  private final QueueStats stats;
  /** The header's length: {@link VirtioNet#HDR_LEN}, or {@link VirtioNet#HDR_LEN_HASH} with HASH_REPORT. */
  private final int hdrLen;
  private final boolean hashed;
  /** The header written before a frame that takes several chains; num_buffers and the hash are patched per frame. */
  private final ByteBuffer header;
  private final Frame headerFrame = new Frame();
  /** Chains taken from the ring and not yet used; the first {@link #held} are valid. */
  private DescriptorChain[] chains = {new DescriptorChain(16)};
  private int held;
  private long heldBytes;
  private boolean pending;
  /** Frames delivered since the used index was last published. */
  private int unpublished;
  /** Counted during a pass, added to {@link #stats} before the frames they count are published. */
  private long receivedDesc;
  private long completedDesc;
  private long packets;
  private long bytes;

  /**
   * Wraps a live receive ring.
   *
   * @param slot the queue's slot (its ring must be live)
   * @param mergeable whether MRG_RXBUF was negotiated
   */
  public RxQueue(VqSlot<QueueStats> slot, boolean mergeable) {
    this(slot, mergeable, VirtioNet.HDR_LEN);
  }

  /**
   * Wraps a live receive ring whose header length follows the negotiated features.
   *
   * @param slot the queue's slot (its ring must be live)
   * @param mergeable whether MRG_RXBUF was negotiated
   * @param hdrLen {@link VirtioNet#hdrLen} of the negotiated features
   */
  public RxQueue(VqSlot<QueueStats> slot, boolean mergeable, int hdrLen) {
    if (hdrLen != VirtioNet.HDR_LEN && hdrLen != VirtioNet.HDR_LEN_HASH) {
      throw new IllegalArgumentException("header length " + hdrLen + " is neither " + VirtioNet.HDR_LEN + " nor "
          + VirtioNet.HDR_LEN_HASH);
    }
    this.slot = slot;
    this.queue = slot.queue();
    this.mergeable = mergeable;
    this.stats = slot.counters();
    this.hdrLen = hdrLen;
    this.hashed = hdrLen == VirtioNet.HDR_LEN_HASH;
    this.header = ByteBuffer.allocateDirect(hdrLen).order(ByteOrder.LITTLE_ENDIAN);
    headerFrame.add(header, 0, hdrLen);
  }

  /**
   * The queue's slot.
   *
   * @return the slot
   */
  public VqSlot<QueueStats> slot() {
    return slot;
  }

  /**
   * The live ring.
   *
   * @return the device side of the receive queue
   */
  public DeviceQueue queue() {
    return queue;
  }

  /**
   * Writes one frame that passed the receive filter.
   *
   * @param frame the frame
   * @return false if the ring broke (the worker reports it)
   */
  public boolean deliver(final Frame frame) {
    final int need = hdrLen + frame.length();
    if (!reserve(frame.length()) && !flushedAndReserved(frame.length())) {
      stats.inc(QueueStats.RX_OVERRUNS);
      return !queue.needsReset();
    }
    if (heldBytes < need) {
      // one chain without MRG_RXBUF, too short for this frame: refuse rather than truncate
      stats.inc(QueueStats.RX_ERRORS);
      return releaseHeld();
    }
    frame.rewind();
    final int n = held;
    final DescriptorChain one = chains[0];
    final int seg = one.readableSegments();
    if (n == 1 && one.segments() == seg + 1 && one.length(seg) >= need) {
      // the common case, one buffer with room for all: the header is written in place (zero but
      // num_buffers = 1, and the hash with HASH_REPORT), not copied from a template, in
      // little-endian stores whatever the buffer's own order
      final ByteBuffer b = one.buffer(seg);
      final int o = one.offset(seg);
      LE_LONG.set(b, o, 0L);
      LE_INT.set(b, o + 8, 1 << (8 * (VirtioNet.HDR_NUM_BUFFERS - 8)));
      if (hashed) {
        LE_LONG.set(b, o + VirtioNet.HDR_HASH_VALUE, frame.hash());
      }
      frame.read(b, o + hdrLen, frame.length());
      if (queue.push(one.id(), need) != RingError.NONE && queue.needsReset()) {
        return false;
      }
    } else {
      header.putShort(VirtioNet.HDR_NUM_BUFFERS, (short) n);
      if (hashed) {
        header.putLong(VirtioNet.HDR_HASH_VALUE, frame.hash());
      }
      headerFrame.rewind();
      if (!writeChains(frame, n)) {
        return false;
      }
    }
    completedDesc += n;
    packets++;
    bytes += frame.length();
    held = 0;
    heldBytes = 0;
    pending = true;
    if (++unpublished == PUBLISH_EVERY) {
      publishUsed(); // no interrupt in the middle of a pass
    }
    return true;
  }

  /**
   * Takes receive buffers ahead of a frame, for a source that can leave a frame where it is while
   * the driver has posted none (a socket: the kernel keeps it): true if a frame of that length can
   * be delivered now (or would be refused as too long for a buffer without MRG_RXBUF, which
   * {@link #deliver} counts), false if the driver has not posted enough.
   *
   * @param frameLength the longest frame that may come
   * @return true if {@link #deliver} has buffers for it
   */
  public boolean reserve(final int frameLength) {
    final int need = hdrLen + frameLength;
    while (heldBytes < need && (mergeable || held == 0)) {
      if (!take()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Out of buffers mid-batch: hands the driver what is used so far (one that refills on the
   * interrupt posts buffers again before this returns: a loopback with a receiver), then takes
   * buffers again.
   */
  private boolean flushedAndReserved(final int frameLength) {
    if (!pending || queue.needsReset()) {
      return false;
    }
    finish();
    return reserve(frameLength);
  }

  /** Writes the header and the frame across the held chains as one stream; false if the ring broke. */
  private boolean writeChains(final Frame frame, final int n) {
    for (int i = 0; i < n; i++) {
      final DescriptorChain c = chains[i];
      final int room = (int) Math.min(c.writableBytes(), Integer.MAX_VALUE);
      // header and frame are one stream: a first chain shorter than the header is legal
      final int h = headerFrame.readInto(c, 0, room);
      final int w = h + frame.readInto(c, h, room - h);
      if (queue.push(c.id(), w) != RingError.NONE && queue.needsReset()) {
        return false;
      }
    }
    return true;
  }

  /** Takes one more chain; false if the ring is empty or broken. */
  private boolean take() {
    if (held == chains.length) {
      growChains();
    }
    DescriptorChain c = chains[held];
    if (!queue.pop(c)) {
      return false;
    }
    receivedDesc++;
    held++;
    heldBytes += c.writableBytes();
    return true;
  }

  /** Returns every held chain with length 0 (a buffer too short for the frame). */
  private boolean releaseHeld() {
    for (int i = 0; i < held; i++) {
      if (queue.push(chains[i].id(), 0) != RingError.NONE && queue.needsReset()) {
        return false;
      }
      completedDesc++;
    }
    held = 0;
    heldBytes = 0;
    pending = true;
    return true;
  }

  private void growChains() {
    int old = chains.length;
    chains = Arrays.copyOf(chains, old * 2);
    for (int i = old; i < chains.length; i++) {
      chains[i] = new DescriptorChain(16);
    }
  }

  /**
   * Publishes what this batch used and interrupts the driver if it asked for it; the batch's
   * counters are added first, so a driver that sees the buffers used finds them counted.
   */
  public void finish() {
    if (!pending) {
      flushStats();
      return;
    }
    pending = false;
    publishUsed();
    if (queue.needsNotify()) {
      slot.notifyUsed();
    }
  }

  /** Counts what the pass did so far, then publishes it: a driver that sees the frames used finds them counted. */
  private void publishUsed() {
    flushStats();
    unpublished = 0;
    queue.publish();
  }

  private void flushStats() {
    if (receivedDesc != 0) {
      stats.add(QueueStats.RECEIVED_DESC, receivedDesc);
      receivedDesc = 0;
    }
    if (completedDesc != 0) {
      stats.add(QueueStats.COMPLETED_DESC, completedDesc);
      completedDesc = 0;
    }
    if (packets != 0) {
      stats.add(QueueStats.RX_PACKETS, packets);
      stats.add(QueueStats.RX_BYTES, bytes);
      packets = 0;
      bytes = 0;
    }
  }

  /**
   * Chains taken but not used, for a saved state that lets them be taken again.
   *
   * @return the held chain count
   */
  public int heldChains() {
    return held;
  }

  /**
   * Ring descriptors the held chains occupy.
   *
   * @return the descriptor count
   */
  public int heldDescriptors() {
    int d = 0;
    for (int i = 0; i < held; i++) {
      d += chains[i].descriptorCount();
    }
    return d;
  }
}
