package net.vdpa.ring.packed;

import java.nio.ByteBuffer;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.internal.Areas;
import net.vdpa.ring.internal.Le;

/**
 * The byte layout of a packed virtqueue (virtio 1.2 §2.8), little-endian, as offset constants, and
 * the wrap-counter arithmetic.
 *
 * <pre>
 * descriptor ring, 16 * N bytes, 16-aligned:       le64 addr | le32 len | le16 id | le16 flags
 * event suppression (driver and device), 4 bytes: le16 off_wrap | le16 flags
 * </pre>
 *
 * <p>A position in the ring is an index 0..N-1 plus a wrap counter that starts at 1 and flips each
 * time the index passes N-1. For event arithmetic a position is turned into a sequence number
 * modulo 2N ({@link #seq}), in which "has the index passed the event?" is a plain distance.
 */
public final class PackedLayout {
  /** Bytes per descriptor. */
  public static final int DESC_SIZE = 16;
  /** Offset of {@code addr}. */
  public static final int DESC_ADDR = 0;
  /** Offset of {@code len}. */
  public static final int DESC_LEN = 8;
  /** Offset of the buffer {@code id}. */
  public static final int DESC_ID = 12;
  /** Offset of {@code flags}. */
  public static final int DESC_FLAGS = 14;
  /** Descriptor flag: the chain continues in the next ring slot. */
  public static final int F_NEXT = 1;
  /** Descriptor flag: device-writable buffer (in a used descriptor: data was written). */
  public static final int F_WRITE = 2;
  /** Descriptor flag: the buffer is an indirect table. */
  public static final int F_INDIRECT = 4;
  /** Descriptor flag AVAIL, bit 7. */
  public static final int F_AVAIL = 1 << 7;
  /** Descriptor flag USED, bit 15. */
  public static final int F_USED = 1 << 15;

  /** Offset of {@code off_wrap} in an event suppression structure. */
  public static final int EVENT_OFF_WRAP = 0;
  /** Offset of {@code flags} in an event suppression structure. */
  public static final int EVENT_FLAGS = 2;
  /** Size of an event suppression structure. */
  public static final int EVENT_SIZE = 4;
  /** Event flags: notify on every event. */
  public static final int EVENT_ENABLE = 0;
  /** Event flags: do not notify. */
  public static final int EVENT_DISABLE = 1;
  /** Event flags: notify when the descriptor at {@code off_wrap} is reached (needs EVENT_IDX). */
  public static final int EVENT_DESC = 2;
  /** The wrap counter's bit in {@code off_wrap}. */
  public static final int EVENT_WRAP_SHIFT = 15;

  /** Required alignment of the descriptor ring. */
  public static final int DESC_ALIGN = 16;
  /** Required alignment of the event suppression structures. */
  public static final int EVENT_ALIGN = 4;

  private PackedLayout() {}

  /**
   * The AVAIL/USED bits a driver writes to make a descriptor available.
   *
   * @param wrap the driver's available wrap counter
   * @return AVAIL = wrap, USED = !wrap
   */
  public static int availBits(boolean wrap) {
    return wrap ? F_AVAIL : F_USED;
  }

  /**
   * The AVAIL/USED bits a device writes to mark a descriptor used.
   *
   * @param wrap the device's used wrap counter
   * @return AVAIL = USED = wrap
   */
  public static int usedBits(boolean wrap) {
    return wrap ? F_AVAIL | F_USED : 0;
  }

  /**
   * A ring position as a sequence number modulo 2N (wrap counter 1 maps to 0..N-1).
   *
   * @param pos index 0..N-1
   * @param wrap the wrap counter
   * @param n queue size
   * @return 0..2N-1
   */
  public static int seq(int pos, boolean wrap, int n) {
    return wrap ? pos : pos + n;
  }

  /**
   * The EVENT_IDX rule for packed rings: moving from sequence {@code old} to {@code now} passed the
   * descriptor the other side named in {@code offWrap}.
   *
   * @param offWrap the other side's {@code off_wrap} (index in bits 0-14, wrap counter in bit 15)
   * @param now sequence after the publication
   * @param old sequence at the previous decision
   * @param n queue size
   * @return true if the event lies in {@code [old, now)}
   */
  public static boolean needEvent(int offWrap, int now, int old, int n) {
    final int off = offWrap & 0x7fff;
    final int event = seq(off, (offWrap >>> EVENT_WRAP_SHIFT) != 0, n);
    final int ring = 2 * n;
    return Math.floorMod(event - old, ring) < Math.floorMod(now - old, ring);
  }

  /**
   * Reads the other side's event suppression structure and decides whether it wants an event for
   * the move from {@code old} to {@code now}. The caller issues the full fence before.
   *
   * @param event the structure's buffer
   * @param offset the structure's index in it
   * @param eventIdx whether EVENT_IDX was negotiated (else the DESC mode counts as enable)
   * @param now sequence after the publication
   * @param old sequence at the previous decision
   * @param n queue size
   * @return true unless events are disabled or the named descriptor was not passed
   */
  public static boolean eventWanted(
      final ByteBuffer event, final int offset, final boolean eventIdx, final int now, final int old, final int n) {
    // acquire: pairs with the other side's release store of the flags in enableEvents(), so
    // off_wrap below is the one written with them (virtio 1.2 §2.8.10)
    final int flags = (short) Le.U16.getAcquire(event, offset + EVENT_FLAGS) & 0xffff;
    if (flags == EVENT_DISABLE) {
      return false;
    }
    if (flags == EVENT_DESC && eventIdx) {
      return needEvent((short) Le.U16.get(event, offset + EVENT_OFF_WRAP) & 0xffff, now, old, n);
    }
    return true;
  }

  /**
   * Checks the alignment of a packed queue's three areas.
   *
   * @param config the queue configuration
   * @throws IllegalArgumentException if an area is misaligned
   */
  public static void checkAreas(QueueConfig config) {
    Areas.checkAligned("descriptor ring", config.descAddr(), DESC_ALIGN);
    Areas.checkAligned("driver event suppression", config.driverAddr(), EVENT_ALIGN);
    Areas.checkAligned("device event suppression", config.deviceAddr(), EVENT_ALIGN);
  }

  /**
   * Writes an event suppression structure asking for events again: with EVENT_IDX, for the
   * descriptor at {@code pos}/{@code wrap}; otherwise for every event.
   *
   * @param event the structure's buffer
   * @param offset the structure's index in it
   * @param eventIdx whether EVENT_IDX was negotiated
   * @param pos the descriptor index to be told about
   * @param wrap its wrap counter
   */
  public static void enableEvents(
      final ByteBuffer event, final int offset, final boolean eventIdx, final int pos, final boolean wrap) {
    if (eventIdx) {
      Le.U16.set(event, offset + EVENT_OFF_WRAP, (short) (pos | (wrap ? 1 << EVENT_WRAP_SHIFT : 0)));
    }
    // release: publishes off_wrap together with the mode; the other side reads the flags with
    // acquire after its full fence (virtio 1.2 §2.8.10)
    Le.U16.setRelease(event, offset + EVENT_FLAGS, (short) (eventIdx ? EVENT_DESC : EVENT_ENABLE));
  }
}
